/**
 * The observatory as one object for its callers (routes, the forum, the CLI, seeds and jobs): a thin facade over its
 * parts, each in its own file with its own repository. The behaviour lives in the parts:
 * - gazetteer.service.ts: municipalities;
 * - accounts.service.ts: registration, verification, sign-in, sessions, roles, domain allow-lists;
 * - projects.service.ts: records, workflow, detail, history, adoption;
 * - project-search.service.ts: search, workspace, similar projects;
 * - project-files.service.ts: documentation files;
 * - portfolios.service.ts, notifications.service.ts, observatory.jobs.ts (reminders, digests).
 * Who may do what is in observatory.policy.ts; what leaves the server in observatory.presenters.ts.
 * Never imports Fastify; callers pass an `actor`.
 */
import type { UploadLimits } from '../storage/index.ts';
import { AccountsService } from './accounts.service.ts';
import { GazetteerService } from './gazetteer.service.ts';
import { NotificationsService } from './notifications.service.ts';
import { ObservatoryJobs } from './observatory.jobs.ts';
import type { ObsActor } from './observatory.policy.ts';
import type { ProjectSearchQuery, ProjectSearchResult } from './observatory.schemas.ts';
import { obsContext, type ObservatoryDeps } from './observatory.types.ts';
import { PortfoliosService } from './portfolios.service.ts';
import { PROJECT_FILE_LIMITS, ProjectFilesService } from './project-files.service.ts';
import { ProjectSearchService } from './project-search.service.ts';
import { ProjectsService } from './projects.service.ts';
import type { Language } from '../../../shared/languages.ts';

type Args<F> = F extends (...args: infer A) => unknown ? A : never;

export class ObservatoryService {
  readonly gazetteer: GazetteerService;
  readonly accounts: AccountsService;
  readonly projects: ProjectsService;
  readonly search: ProjectSearchService;
  readonly files: ProjectFilesService;
  readonly portfolioPlans: PortfoliosService;
  readonly notices: NotificationsService;
  readonly jobs: ObservatoryJobs;
  /** Files per project, bytes per file and accepted types (the routes size multipart parsing from it). */
  readonly fileLimits: UploadLimits;

  constructor(deps: ObservatoryDeps) {
    const ctx = obsContext(deps);
    this.fileLimits = deps.fileLimits ?? PROJECT_FILE_LIMITS;
    this.gazetteer = new GazetteerService(ctx);
    this.accounts = new AccountsService(ctx);
    this.projects = new ProjectsService(ctx);
    this.search = new ProjectSearchService(ctx);
    this.files = new ProjectFilesService(ctx, this.fileLimits);
    this.portfolioPlans = new PortfoliosService(ctx);
    this.notices = new NotificationsService(ctx);
    this.jobs = new ObservatoryJobs(ctx, this.notices);
  }

  // ---- gazetteer
  ensureMunicipalities(...a: Args<GazetteerService['ensureMunicipalities']>) { return this.gazetteer.ensureMunicipalities(...a); }
  municipality(...a: Args<GazetteerService['municipality']>) { return this.gazetteer.municipality(...a); }
  searchMunicipalities(...a: Args<GazetteerService['searchMunicipalities']>) { return this.gazetteer.searchMunicipalities(...a); }

  // ---- accounts and sessions
  register(...a: Args<AccountsService['register']>) { return this.accounts.register(...a); }
  registerOrWarn(...a: Args<AccountsService['registerOrWarn']>) { return this.accounts.registerOrWarn(...a); }
  registrationAttemptMail(...a: Args<AccountsService['registrationAttemptMail']>) { return this.accounts.registrationAttemptMail(...a); }
  verificationMail(...a: Args<AccountsService['verificationMail']>) { return this.accounts.verificationMail(...a); }
  reissueVerification(...a: Args<AccountsService['reissueVerification']>) { return this.accounts.reissueVerification(...a); }
  verifyEmail(...a: Args<AccountsService['verifyEmail']>) { return this.accounts.verifyEmail(...a); }
  authenticate(...a: Args<AccountsService['authenticate']>) { return this.accounts.authenticate(...a); }
  account(...a: Args<AccountsService['account']>) { return this.accounts.account(...a); }
  startSession(...a: Args<AccountsService['startSession']>) { return this.accounts.startSession(...a); }
  actorForSession(...a: Args<AccountsService['actorForSession']>) { return this.accounts.actorForSession(...a); }
  endSession(...a: Args<AccountsService['endSession']>) { return this.accounts.endSession(...a); }
  endSessionsByEmail(...a: Args<AccountsService['endSessionsByEmail']>) { return this.accounts.endSessionsByEmail(...a); }
  setRole(...a: Args<AccountsService['setRole']>) { return this.accounts.setRole(...a); }
  setRoleByEmail(...a: Args<AccountsService['setRoleByEmail']>) { return this.accounts.setRoleByEmail(...a); }
  updateOwnAccount(...a: Args<AccountsService['updateOwnAccount']>) { return this.accounts.updateOwnAccount(...a); }
  allowDomain(...a: Args<AccountsService['allowDomain']>) { return this.accounts.allowDomain(...a); }
  allowedDomains(...a: Args<AccountsService['allowedDomains']>) { return this.accounts.allowedDomains(...a); }
  disallowDomain(...a: Args<AccountsService['disallowDomain']>) { return this.accounts.disallowDomain(...a); }

  // ---- projects
  onPublishedProjectChanged(...a: Args<ProjectsService['onPublishedProjectChanged']>) { this.projects.onPublishedProjectChanged(...a); }
  createProject(...a: Args<ProjectsService['createProject']>) { return this.projects.createProject(...a); }
  upsertFromSource(...a: Args<ProjectsService['upsertFromSource']>) { return this.projects.upsertFromSource(...a); }
  updateProject(...a: Args<ProjectsService['updateProject']>) { return this.projects.updateProject(...a); }
  submitProject(...a: Args<ProjectsService['submitProject']>) { return this.projects.submitProject(...a); }
  publishProject(...a: Args<ProjectsService['publishProject']>) { return this.projects.publishProject(...a); }
  rejectProject(...a: Args<ProjectsService['rejectProject']>) { return this.projects.rejectProject(...a); }
  markReviewed(...a: Args<ProjectsService['markReviewed']>) { return this.projects.markReviewed(...a); }
  archiveProject(...a: Args<ProjectsService['archiveProject']>) { return this.projects.archiveProject(...a); }
  getProject(...a: Args<ProjectsService['getProject']>) { return this.projects.getProject(...a); }
  projectOwner(...a: Args<ProjectsService['projectOwner']>) { return this.projects.projectOwner(...a); }
  history(...a: Args<ProjectsService['history']>) { return this.projects.history(...a); }
  adopt(...a: Args<ProjectsService['adopt']>) { return this.projects.adopt(...a); }

  // ---- search (anyone may search: only published records are listed, so the actor does not matter)
  searchProjects(_actor: ObsActor | undefined, query: ProjectSearchQuery, lang: Language): Promise<ProjectSearchResult> { return this.search.searchProjects(query, lang); }
  workspace(...a: Args<ProjectSearchService['workspace']>) { return this.search.workspace(...a); }
  similarProjects(...a: Args<ProjectSearchService['similarProjects']>) { return this.search.similarProjects(...a); }

  // ---- documentation files
  addProjectFiles(...a: Args<ProjectFilesService['addProjectFiles']>) { return this.files.addProjectFiles(...a); }
  reconcileFiles(...a: Args<ProjectFilesService['reconcileFiles']>) { return this.files.reconcileFiles(...a); }
  projectFile(...a: Args<ProjectFilesService['projectFile']>) { return this.files.projectFile(...a); }
  removeProjectFile(...a: Args<ProjectFilesService['removeProjectFile']>) { return this.files.removeProjectFile(...a); }

  // ---- portfolios
  portfolio(...a: Args<PortfoliosService['portfolio']>) { return this.portfolioPlans.portfolio(...a); }
  portfolios(...a: Args<PortfoliosService['portfolios']>) { return this.portfolioPlans.portfolios(...a); }

  // ---- notifications, digests and daily jobs
  notify(...a: Args<NotificationsService['notify']>) { return this.notices.notify(...a); }
  notifications(...a: Args<NotificationsService['notifications']>) { return this.notices.notifications(...a); }
  markNotificationsRead(...a: Args<NotificationsService['markNotificationsRead']>) { return this.notices.markNotificationsRead(...a); }
  buildDigests(...a: Args<NotificationsService['buildDigests']>) { return this.notices.buildDigests(...a); }
  sendDigests(...a: Args<NotificationsService['sendDigests']>) { return this.notices.sendDigests(...a); }
  listStaleProjects(...a: Args<ObservatoryJobs['listStaleProjects']>) { return this.jobs.listStaleProjects(...a); }
  remindStaleProjects(...a: Args<ObservatoryJobs['remindStaleProjects']>) { return this.jobs.remindStaleProjects(...a); }
  runDailyJobs(...a: Args<ObservatoryJobs['runDailyJobs']>) { return this.jobs.runDailyJobs(...a); }
  startDailyJobs(...a: Args<ObservatoryJobs['startDailyJobs']>) { return this.jobs.startDailyJobs(...a); }
}
