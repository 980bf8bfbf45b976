/**
 * Response shapes of the observatory and forum APIs, named from the generated contract (src/shared/api), not
 * imported from the server's schema files: the web depends on what the API documents, not on its file layout.
 */
import type { ApiResponse } from '../../../shared/api/contract.ts';

export type Account = ApiResponse<'/api/v1/observatory/accounts', 'post'>;
export type Municipality = ApiResponse<'/api/v1/observatory/municipalities'>[number];
export type ProjectDetail = ApiResponse<'/api/v1/observatory/projects/{id}'>;
export type ProjectFile = ProjectDetail['files'][number];
export type ProjectSearchResult = ApiResponse<'/api/v1/observatory/projects'>;
export type ProjectSummary = ApiResponse<'/api/v1/observatory/projects/{id}/similar'>[number];
export type HistoryEntry = ApiResponse<'/api/v1/observatory/projects/{id}/history'>[number];
export type ObsNotification = ApiResponse<'/api/v1/observatory/notifications'>[number];
export type Thread = ApiResponse<'/api/v1/forum/threads'>['items'][number];
export type ThreadDetail = ApiResponse<'/api/v1/forum/threads/{id}'>;
export type Post = ThreadDetail['posts'][number];
export type PostRevision = ApiResponse<'/api/v1/forum/posts/{id}/history'>[number];
export type FlagView = ApiResponse<'/api/v1/forum/moderation/flags'>[number];
export type RequestView = ApiResponse<'/api/v1/forum/requests'>[number];
export type Category = ApiResponse<'/api/v1/forum/categories'>[number];
