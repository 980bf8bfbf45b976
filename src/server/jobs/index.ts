/** Background jobs: a timer per job with no overlap, and a record of each run. */
export { startJob, type JobOptions, type JobRecorder } from './jobs.ts';
