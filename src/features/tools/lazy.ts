/** What dist/tools-lazy.js holds: the configure flow and the config-file writers it imports (loaded on first use). */
export { ToolsFlow } from './flow';
