// The only way the tab creates elements. Children are strings or nodes, and strings always
// become text nodes, so text from a result file can never be parsed as HTML.

export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  /** Attributes set with setAttribute; values are never interpreted as markup. */
  attributes?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions | string = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { className, attributes } = typeof options === 'string' ? { className: options, attributes: undefined } : options;
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    element.setAttribute(name, value);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Formats a count with thousands separators ("5,000"). */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** Formats an ISO 8601 time in the viewer's locale and time zone; returns the input when it is not a time. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return time.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
