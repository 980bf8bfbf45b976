/** The staff analytics report (GET /api/v1/analytics), shared by the service and the console. */
export interface AnalyticsReport {
  range: { from: string; to: string; timeZone: string };
  totals: {
    procedures: number;
    certificates: number;
    payments: number;
    paidCents: number;
    queries: number;
    resolvedQueries: number;
    /** Share of assistant queries marked resolved, 0..1; null when there were none. */
    resolutionRate: number | null;
    handoffs: number;
  };
  proceduresPerDay: { day: string; byType: Record<string, number> }[];
  queriesPerDay: { day: string; byLanguage: Record<string, number> }[];
  handoffsPerDay: { day: string; count: number }[];
  topUnanswered: { question: string; count: number }[];
  kiosks: { kioskId: string; total: number; byType: Record<string, number> }[];
}
