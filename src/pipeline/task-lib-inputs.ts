import * as tl from 'azure-pipelines-task-lib/task';

import type { EndpointAuthorization, TaskInputs } from './task-inputs';

/** `TaskInputs` read through task-lib from the `INPUT_*`, variable and endpoint environment the agent sets. */
export class TaskLibInputs implements TaskInputs {
  input(name: string): string | undefined {
    return emptyToUndefined(tl.getInput(name, false));
  }

  pathSupplied(name: string): boolean {
    return this.input(name) !== undefined && tl.filePathSupplied(name);
  }

  variable(name: string): string | undefined {
    return emptyToUndefined(tl.getVariable(name));
  }

  endpointUrl(connectionId: string): string | undefined {
    return emptyToUndefined(tl.getEndpointUrl(connectionId, true));
  }

  endpointScheme(connectionId: string): string | undefined {
    return emptyToUndefined(tl.getEndpointAuthorizationScheme(connectionId, true));
  }

  endpointAuthParameter(connectionId: string, key: string): string | undefined {
    return emptyToUndefined(tl.getEndpointAuthorizationParameter(connectionId, key, true));
  }

  endpointAuthorization(connectionId: string): EndpointAuthorization | undefined {
    // getEndpointAuthorization logs only whether the connection exists, never its parameters.
    const authorization = tl.getEndpointAuthorization(connectionId, true);
    if (!authorization) {
      return undefined;
    }
    return { scheme: authorization.scheme ?? '', parameters: { ...authorization.parameters } };
  }

  endpointData(connectionId: string, key: string): string | undefined {
    return emptyToUndefined(tl.getEndpointDataParameter(connectionId, key, true));
  }
}

function emptyToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
