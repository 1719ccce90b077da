/**
 * Read access to the task's inputs, variables and service connections, as the agent passes
 * them. The task-lib implementation lives in `task-lib-inputs.ts`; tests pass a plain object.
 */
export interface TaskInputs {
  /** Returns the trimmed input value, or undefined when the input is empty or unset. */
  input(name: string): string | undefined;
  /** Returns true when the user set the path input to something other than the sources root (task-lib's `filePathSupplied`). */
  pathSupplied(name: string): boolean;
  variable(name: string): string | undefined;
  endpointUrl(connectionId: string): string | undefined;
  endpointScheme(connectionId: string): string | undefined;
  endpointAuthParameter(connectionId: string, key: string): string | undefined;
  /**
   * Returns the connection's scheme and all its auth parameters at once, or undefined when the
   * agent passed none. Use it for secrets: task-lib's per-parameter getter writes the value to
   * the debug log, this one does not.
   */
  endpointAuthorization?(connectionId: string): EndpointAuthorization | undefined;
  endpointData(connectionId: string, key: string): string | undefined;
}

/** A service connection's authorization as the agent passes it in `ENDPOINT_AUTH_<id>`. */
export interface EndpointAuthorization {
  scheme: string;
  parameters: Record<string, string>;
}
