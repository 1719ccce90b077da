import yaml from 'js-yaml';

import { escapePointerToken } from '../approvals/scan-json';

/** A loaded YAML document and the 1-based line of each value, by JSON pointer (a member's line is the line of its key). */
export interface YamlDocument {
  value: unknown;
  lines: Map<string, number>;
}

interface EventNode {
  line: number;
  kind?: string | null;
  result?: unknown;
  children: EventNode[];
}

/**
 * Loads one YAML document with js-yaml and records where each value starts. js-yaml 4 reports
 * every node it composes, keys included, to the `listener` option as nested open and close
 * events, so the events form the document tree with mapping children alternating key, value.
 * A mapping whose keys do not agree with the loaded object gets no lines below it rather than
 * wrong ones.
 */
export function loadYamlWithLines(text: string, options: yaml.LoadOptions): YamlDocument {
  const root: EventNode = { line: 1, children: [] };
  const stack: EventNode[] = [root];

  const value = yaml.load(text, {
    ...options,
    listener(this: yaml.State, eventType: yaml.EventType, state: yaml.State) {
      if (eventType === 'open') {
        const node: EventNode = { line: state.line + 1, children: [] };
        stack[stack.length - 1].children.push(node);
        stack.push(node);
        return;
      }
      const node = stack.pop();
      if (node !== undefined) {
        node.kind = state.kind;
        node.result = state.result;
      }
    },
  });

  const lines = new Map<string, number>();
  const document = root.children[0];
  if (document !== undefined) {
    lines.set('', document.line);
    recordLines(document, '', lines);
  }
  return { value, lines };
}

function recordLines(outer: EventNode, pointer: string, lines: Map<string, number>): void {
  // js-yaml composes some nodes twice, one inside the other, for example a flow mapping that is
  // a block sequence item. The inner node has the same result and contains the children.
  let node = outer;
  while (node.children.length === 1 && node.children[0].result === node.result) {
    node = node.children[0];
  }
  if (node.kind === 'sequence') {
    node.children.forEach((item, index) => {
      const itemPointer = `${pointer}/${index}`;
      lines.set(itemPointer, item.line);
      recordLines(item, itemPointer, lines);
    });
    return;
  }
  if (node.kind !== 'mapping' || node.children.length % 2 !== 0) {
    return;
  }

  const keys: string[] = [];
  for (let index = 0; index < node.children.length; index += 2) {
    keys.push(String(node.children[index].result));
  }
  const loaded = typeof node.result === 'object' && node.result !== null ? Object.keys(node.result) : [];
  if (keys.length !== loaded.length || !keys.every((key) => loaded.includes(key))) {
    return;
  }

  for (let index = 0; index < node.children.length; index += 2) {
    const memberPointer = `${pointer}/${escapePointerToken(keys[index / 2])}`;
    lines.set(memberPointer, node.children[index].line);
    recordLines(node.children[index + 1], memberPointer, lines);
  }
}
