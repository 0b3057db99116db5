/** What dist/participant-lazy.js holds: the answers of @gateway (loaded on its first request). */
export * from './answers';
