import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { useApi } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { RegisterPage, ResendVerificationPage, SignInPage, VerifyPage } from './account-pages.tsx';
import { EditorPage, ReviewQueuePage, WorkspacePage } from './editor-pages.tsx';
import { ModerationPage } from './moderation-page.tsx';
import { CategoryPage, ForumHomePage, NotificationsPage, ThreadPage } from './forum-pages.tsx';
import { ObsSessionProvider, useObsSession } from './obs-session.tsx';
import type { ObsNotification } from './obs-types.ts';
import { ProjectPage } from './project-page.tsx';
import { SearchPage } from './search-page.tsx';
import './observatory.css';

/** The observatory's own navigation: search, forum, and the officer's pages. */
function ObsNav() {
  const { t } = useTranslation('observatory-web');
  const { account, signOut } = useObsSession();
  const unread = useApi<ObsNotification[]>(account ? '/api/v1/observatory/notifications?unread=true' : null);
  const count = unread.data?.length ?? 0;
  return (
    <nav aria-label={t('nav.label')} className="obs-nav">
      <ul>
        <li><Link href="/">{t('nav.search')}</Link></li>
        <li><Link href="/forum">{t('nav.forum')}</Link></li>
        {account ? (
          <>
            <li><Link href="/me">{t('nav.workspace')}</Link></li>
            <li><Link href="/notifications">{t('nav.notifications', { count })}</Link></li>
            {account.role === 'editor' ? <li><Link href="/review">{t('nav.review')}</Link></li> : null}
            {account.role === 'moderator' ? <li><Link href="/moderation">{t('nav.moderation')}</Link></li> : null}
            <li>
              <button type="button" className="button button--ghost" onClick={() => void signOut()}>
                {t('nav.signout', { name: account.displayName })}
              </button>
            </li>
          </>
        ) : (
          <>
            <li><Link href="/signin">{t('nav.signin')}</Link></li>
            <li><Link href="/register">{t('nav.register')}</Link></li>
          </>
        )}
      </ul>
    </nav>
  );
}

function ObsNotFound() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('not_found'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('not_found')}</h1>
      <p><Link href="/">{t('nav.search')}</Link></p>
    </section>
  );
}

/** Mounted under /observatory (nested routes), with or without a council in the path. */
export function ObservatoryApp() {
  return (
    <ObsSessionProvider>
      <div className="obs">
        <ObsNav />
        <Switch>
          <Route path="/" component={SearchPage} />
          <Route path="/projects/new">{() => <EditorPage />}</Route>
          <Route path="/projects/:id/edit">{(p) => <EditorPage id={p.id} />}</Route>
          <Route path="/projects/:id">{(p) => <ProjectPage id={p.id} />}</Route>
          <Route path="/forum" component={ForumHomePage} />
          <Route path="/forum/c/:id">{(p) => <CategoryPage id={p.id} />}</Route>
          <Route path="/forum/t/:id">{(p) => <ThreadPage id={p.id} />}</Route>
          <Route path="/notifications" component={NotificationsPage} />
          <Route path="/me" component={WorkspacePage} />
          <Route path="/review" component={ReviewQueuePage} />
          <Route path="/moderation" component={ModerationPage} />
          <Route path="/register" component={RegisterPage} />
          <Route path="/verify" component={VerifyPage} />
          <Route path="/resend" component={ResendVerificationPage} />
          <Route path="/signin" component={SignInPage} />
          <Route component={ObsNotFound} />
        </Switch>
      </div>
    </ObsSessionProvider>
  );
}
