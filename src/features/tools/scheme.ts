/** The scheme of the tool flow's preview documents (the diff's right side), registered before the flow loads. */
export const PREVIEW_SCHEME = 'agc-tool-preview';
