/** What dist/requests-lazy.js holds: the request log panel, its queries and exports (loaded when a log opens). */
export { RequestsPanel } from './panel';
export { dialogExportTarget } from './exporter';
