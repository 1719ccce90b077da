/** Task results in order of severity; as in task-lib, the most severe one set wins. */
export type TaskResultKind = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

/**
 * Everything the core needs from the agent. The task-lib implementation writes logging
 * commands; tests pass their own. Every text method neutralizes `##vso[` itself, so callers
 * may pass untrusted text.
 */
export interface PipelineHost {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Writes one collapsible log group with all its lines at once, so concurrent groups never interleave. */
  group(title: string, lines: string[]): void;
  /** Sets the task's progress value (0–100) shown in the pipeline run. */
  progress(percent: number, description: string): void;
  setOutput(name: string, value: string): void;
  setSecret(value: string): void;
  uploadArtifact(artifactName: string, filePath: string): void;
  addAttachment(type: string, name: string, filePath: string): void;
  uploadSummary(filePath: string): void;
  setResult(result: TaskResultKind, message: string): void;
  /** `build` for YAML and classic build pipelines, `release` for classic release; artifact upload works only in `build`. */
  readonly hostType: string;
}
