/** What dist/tools-lazy.js holds: the configure flow and the config-file writers (loaded on first use). */
export { ToolsFlow } from './flow';
export * from './formats';
