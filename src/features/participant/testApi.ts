/** What the integration tests reach of `@gateway` through the extension's test API: its handler, called as the chat view would. */
import type { ParticipantFeature } from './index';

export type ParticipantTestApi = Pick<ParticipantFeature, 'handle'>;

export function participantTestApi(participant: ParticipantFeature): ParticipantTestApi {
  return { handle: (request, response, token) => participant.handle(request, response, token) };
}
