/**
 * The last gate before model output reaches the DOM: DOMPurify with a tight allowlist (model output is untrusted).
 * No style, no iframe/form/svg/math/img, no event handler, no data-* attribute; hrefs only http(s); classes only
 * the ones our renderer writes (highlight.js tokens, language-*, image-link, deceptive-link, invisible-char / -raw,
 * align-left / -center / -right).
 */
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'a',
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  's',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start'];
const CLASS_OK =
  /^(?:hljs(?:-[\w-]+)?|language-[\w+#.-]+|image-link|deceptive-link|invisible-(?:char|raw)|align-(?:left|center|right)|[\w-]+_)$/;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'class') {
      const kept = data.attrValue.split(/\s+/).filter((c) => CLASS_OK.test(c));
      if (kept.length) data.attrValue = kept.join(' ');
      else data.keepAttr = false;
    }
  });
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      if (href !== null && !/^https?:\/\//i.test(href)) node.removeAttribute('href');
    }
  });
}

/** Sanitised nodes ready to insert. */
export function sanitize(html: string): DocumentFragment {
  installHooks();
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^https?:\/\//i,
    FORBID_TAGS: [
      'style',
      'iframe',
      'form',
      'svg',
      'math',
      'img',
      'input',
      'script',
      'object',
      'embed',
      'link',
      'meta',
      'base',
    ],
    FORBID_ATTR: ['style', 'srcset', 'src', 'action', 'formaction', 'xlink:href'],
    RETURN_DOM_FRAGMENT: true,
  });
}
