/**
 * The one DOM helper of the webviews (browser code): elements are built from attributes and children, text only
 * through text nodes, so no string from the host or a model is ever parsed as HTML here.
 */

export type Child = Node | string | undefined;

/** `<tag attr=…>children</tag>`; an attribute whose value is undefined is left out, as is an undefined child. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}

/** The page's root element, which the host's HTML always has. */
export function appRoot(id = 'app'): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the webview has no #${id}`);
  return el;
}
