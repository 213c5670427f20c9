/**
 * Building DOM from data without ever parsing it as HTML.
 *
 * Everything the API sends (names, titles, summaries, URLs) is untrusted. `h` only creates
 * elements, sets attributes and appends text nodes, so no text can become markup; links to
 * sources go through `safeUrl`, which admits only http(s) and mailto URLs.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Creates an element with attributes (false/null/undefined are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, turning strings and numbers into text nodes. */
export function append(parent: Node, ...children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children. */
export function replaceChildren(parent: Element, ...children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The URL if it is an absolute http(s) or mailto URL, else null (no `javascript:` links from data). */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** An external link that opens in a new tab, or plain text when the URL is not safe. */
export function externalLink(href: string | null | undefined, text: string, attributes: Attributes = {}): HTMLElement {
  const url = safeUrl(href);
  if (url === null) return h('span', {}, text);
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', ...attributes }, text);
}

/** Looks up an element that index.html must contain, of the expected kind. */
export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T;
export function byId(id: string, kind: new () => HTMLElement = HTMLElement): HTMLElement {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`#${id} missing from index.html`);
  return found;
}
