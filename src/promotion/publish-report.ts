import * as path from 'node:path';

import { writeFileAtomic } from '../files/write-file-atomic';
import type { PipelineHost } from '../pipeline/pipeline-host';

/** A report file, its content and the names it is published under. */
export interface ReportPublication {
  filePath: string;
  content: unknown;
  artifactName: string;
  attachmentType: string;
  /** Markdown for the run's Extensions tab, written beside the report file. */
  summary?: { fileName: string; markdown: string };
}

/**
 * Writes a report file atomically, attaches it to the task and, in build runs, uploads it as an
 * artifact. The agent accepts `##vso[artifact.upload]` only when System.HostType is `build`,
 * which covers YAML and classic build pipelines. Classic releases reject it, so there the file
 * is only attached.
 */
export async function publishReport(report: ReportPublication, host: PipelineHost): Promise<void> {
  await writeFileAtomic(report.filePath, `${JSON.stringify(report.content, null, 2)}\n`);
  host.info(`Wrote ${report.filePath}`);

  if (host.hostType === 'build') {
    host.uploadArtifact(report.artifactName, report.filePath);
  } else {
    host.info(`Artifacts cannot be uploaded in ${host.hostType} runs, so ${path.basename(report.filePath)} is attached to the run instead of published as artifact ${report.artifactName}.`);
  }
  host.addAttachment(report.attachmentType, path.basename(report.filePath), report.filePath);

  if (report.summary !== undefined) {
    const summaryPath = path.join(path.dirname(report.filePath), report.summary.fileName);
    await writeFileAtomic(summaryPath, report.summary.markdown);
    host.uploadSummary(summaryPath);
  }
}
