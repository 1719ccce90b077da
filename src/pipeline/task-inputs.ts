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
  endpointData(connectionId: string, key: string): string | undefined;
}
