/** What dist/compare-lazy.js holds: the Compare Models panel and its state building (loaded when it opens). */
export { ComparePanel } from './panel';
