import * as os from 'node:os';
import * as tl from 'azure-pipelines-task-lib/task';

import { neutralize } from '../text/neutralize';
import type { PipelineHost, TaskResultKind } from './pipeline-host';

const TASK_RESULTS: Record<TaskResultKind, tl.TaskResult> = {
  Succeeded: tl.TaskResult.Succeeded,
  SucceededWithIssues: tl.TaskResult.SucceededWithIssues,
  Failed: tl.TaskResult.Failed,
};

/**
 * The `PipelineHost` of a real agent run. Logging commands go through task-lib, which escapes
 * their properties. Every text argument is neutralized first, and plain lines are written with
 * `writeExternalOutput`, so untrusted text never turns into a `##vso[` command.
 */
export class TaskLibHost implements PipelineHost {
  readonly hostType: string;

  /** @param hostType The value of `System.HostType`; the entry point reads it once. */
  constructor(hostType: string) {
    this.hostType = hostType;
  }

  info(message: string): void {
    writeRaw(`${neutralize(message)}${os.EOL}`);
  }

  debug(message: string): void {
    tl.debug(neutralize(message));
  }

  warning(message: string): void {
    tl.warning(neutralize(message));
  }

  error(message: string): void {
    tl.error(neutralize(message));
  }

  group(title: string, lines: string[]): void {
    // One write for the whole block: Node runs JavaScript on one thread, so another model's
    // lines cannot land between `##[group]` and `##[endgroup]`.
    const body = lines.map((line) => `${neutralize(line)}${os.EOL}`).join('');
    writeRaw(`##[group]${oneLine(title)}${os.EOL}${body}##[endgroup]${os.EOL}`);
  }

  progress(percent: number, description: string): void {
    const bounded = Math.max(0, Math.min(100, Math.round(percent)));
    tl.setProgress(bounded, oneLine(description));
  }

  setOutput(name: string, value: string): void {
    tl.setVariable(name, value, false, true);
  }

  setSecret(value: string): void {
    tl.setSecret(value);
  }

  uploadArtifact(artifactName: string, filePath: string): void {
    tl.uploadArtifact(artifactName, filePath, artifactName);
  }

  addAttachment(type: string, name: string, filePath: string): void {
    tl.addAttachment(type, name, filePath);
  }

  uploadSummary(filePath: string): void {
    tl.uploadSummary(filePath);
  }

  setResult(result: TaskResultKind, message: string): void {
    tl.setResult(TASK_RESULTS[result], neutralize(message));
  }
}

/** Writes text that has already been neutralized; task-lib's filter is a second guard against `##vso[`. */
function writeRaw(text: string): void {
  tl.writeExternalOutput(text, { source: 'remote' });
}

function oneLine(text: string): string {
  return neutralize(text).replace(/\r\n|\r|\n/g, ' ');
}
