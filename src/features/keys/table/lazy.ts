/** What dist/keys-table-lazy.js holds: the keys table panel and what only it uses (loaded when a table opens). */
export { KeysTablePanel } from './panel';
