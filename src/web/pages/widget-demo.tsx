import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../app-context.tsx';
import { usePageTitle } from '../use-page-title.ts';

/**
 * /widget-demo: a stand-in for a municipal website that embeds the assistant with the one documented tag
 * (docs/widget.md). The tag is added as an element (the CSP forbids inline scripts, not external ones).
 */
export function WidgetDemoPage() {
  const { t } = useTranslation('web');
  const { boot, lang } = useApp();
  usePageTitle(t('widget_demo.title'));
  const tenant = boot.tenant?.id;
  useEffect(() => {
    if (!tenant) return;
    const script = document.createElement('script');
    script.src = '/widget.js';
    script.async = true;
    script.dataset.tenant = tenant;
    script.dataset.lang = lang;
    document.body.append(script);
    return () => {
      script.remove();
      document.querySelector(`[data-ventanilla-widget="${tenant}"]`)?.remove();
    };
  }, [tenant, lang]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('widget_demo.title')}</h1>
      <p>{t('widget_demo.intro')}</p>
      <pre className="code">
        <code>{`<script src="${location.origin}/widget.js" data-tenant="${tenant ?? '<id>'}" async></script>`}</code>
      </pre>
    </section>
  );
}
