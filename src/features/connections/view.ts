/**
 * The view `aiGateway.connections` ("Gateways") of the AI Gateway activity-bar container. Its tree — one node per
 * connection with its keys as children — is the keys feature's (src/features/keys/tree.ts), wired by the container;
 * when there is no connection, the view's welcome content (package.json viewsWelcome) offers "Add Connection".
 */
export const CONNECTIONS_VIEW_ID = 'aiGateway.connections';
