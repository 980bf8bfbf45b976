/** Response shapes of the observatory and forum APIs (types only: nothing of the server reaches the bundle). */
export type {
  Account, EntityView, HistoryEntry, Municipality, ObsNotification, ProjectDetail, ProjectFile, ProjectSearchResult, ProjectSummary,
} from '../../../server/modules/observatory/observatory.schemas.ts';
export type { FlagView, Post, PostRevision, RequestView, Thread, ThreadDetail } from '../../../server/modules/forum/forum.schemas.ts';
export interface Category {
  id: string;
  name: string;
  threadCount: number;
}
