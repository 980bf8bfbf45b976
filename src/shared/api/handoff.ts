/** One waiting or accepted hand-off in the staff inbox (GET /api/v1/handoff/requests), for the service and the console. */
export interface InboxItem {
  id: number;
  conversationId: string;
  reason: string;
  channel: string;
  kioskId: string | null;
  language: string | null;
  status: 'queued' | 'accepted';
  acceptedBy: string | null;
  acceptedByName: string | null;
  isMine: boolean;
  waitingSince: string;
}
