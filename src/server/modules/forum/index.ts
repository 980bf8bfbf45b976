/** The observatory's forum: what other domains may use. */
import type { Db } from '../../db/db.ts';
import type { ObservatoryService, ObsSessionOptions } from '../observatory/index.ts';
import { forumRoutes } from './forum.routes.ts';
import { ForumService } from './forum.service.ts';

/** Builds the forum service (it needs the observatory for accounts, projects and notifications) and its routes. */
export function createForumModule(deps: { db: Db; observatory: ObservatoryService; session: ObsSessionOptions }) {
  const service = new ForumService({ db: deps.db, observatory: deps.observatory });
  return { service, routes: forumRoutes({ forum: service, observatory: deps.observatory, session: deps.session }) };
}
/** The service class. */
export { ForumService } from './forum.service.ts';
/** Markdown rendering with sanitisation, and @mention extraction. */
export { renderMarkdown, extractMentions } from './forum.markdown.ts';
/** Request/response schemas and enums. */
export * from './forum.schemas.ts';
