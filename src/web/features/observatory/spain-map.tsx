import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ProjectSummary } from './obs-types.ts';

/**
 * An offline map: no tile server is reachable, so an SVG of Spain's bounding box (equirectangular, x scaled by
 * cos 40° so shapes are not stretched) with a rough coastline, the Canary Islands in an inset, and one focusable
 * link per project. The list beside it is the accessible alternative with the same links.
 */
const MAIN = { lonMin: -9.6, lonMax: 4.6, latMin: 35.7, latMax: 44.0 };
const CANARY = { lonMin: -18.3, lonMax: -13.3, latMin: 27.5, latMax: 29.5 };
const K = 50; // SVG units per degree of latitude
const COS = Math.cos((40 * Math.PI) / 180);
const WIDTH = (MAIN.lonMax - MAIN.lonMin) * COS * K;
const HEIGHT = (MAIN.latMax - MAIN.latMin) * K;
// The inset sits bottom-left, where the Atlantic is empty on the real map.
const INSET = { x: 4, y: HEIGHT - (CANARY.latMax - CANARY.latMin) * K - 4, w: (CANARY.lonMax - CANARY.lonMin) * COS * K, h: (CANARY.latMax - CANARY.latMin) * K };

function project(lat: number, lon: number): { x: number; y: number } | undefined {
  if (lat >= MAIN.latMin && lat <= MAIN.latMax && lon >= MAIN.lonMin && lon <= MAIN.lonMax) {
    return { x: (lon - MAIN.lonMin) * COS * K, y: (MAIN.latMax - lat) * K };
  }
  if (lat >= CANARY.latMin && lat <= CANARY.latMax && lon >= CANARY.lonMin && lon <= CANARY.lonMax) {
    return { x: INSET.x + (lon - CANARY.lonMin) * COS * K, y: INSET.y + (CANARY.latMax - lat) * K };
  }
  return undefined;
}

// A coarse outline of the Iberian Peninsula (lat, lon), enough to place points; not a survey.
const PENINSULA: [number, number][] = [
  [43.79, -7.69], [43.56, -5.9], [43.46, -3.8], [43.38, -1.79], [42.8, 0.7], [42.43, 3.17], [41.9, 3.2], [41.2, 1.7], [40.7, 0.9],
  [39.5, -0.32], [38.73, 0.2], [38.3, -0.5], [37.6, -0.7], [37.4, -1.6], [36.72, -2.2], [36.75, -4.4], [36.0, -5.6], [36.5, -6.3],
  [37.2, -7.4], [37.18, -7.42], [37.95, -8.8], [38.7, -9.5], [39.6, -9.1], [41.0, -8.65], [41.87, -8.87], [42.5, -9.0], [43.0, -9.3],
  [43.38, -8.4],
];
const BALEARICS: [number, number][] = [[39.95, 3.1], [39.9, 3.45], [39.3, 3.0], [39.45, 2.35], [39.7, 2.5]];

const toPath = (pts: [number, number][]) =>
  pts.map(([lat, lon], i) => {
    const p = project(lat, lon);
    return p ? `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}` : '';
  }).join(' ') + ' Z';

export function SpainMap({ items, referenceName, reference }: { items: ProjectSummary[]; referenceName?: string | undefined; reference?: { lat: number | null; lon: number | null } | undefined }) {
  const { t } = useTranslation('observatory-web');
  const placed = items.flatMap((p) => {
    const pt = p.council.lat !== null && p.council.lon !== null ? project(p.council.lat, p.council.lon) : undefined;
    return pt ? [{ p, pt }] : [];
  });
  const ref = reference?.lat != null && reference.lon != null ? project(reference.lat, reference.lon) : undefined;
  const offMap = items.length - placed.length;
  return (
    <figure className="obs-map">
      <svg viewBox={`0 0 ${WIDTH.toFixed(0)} ${HEIGHT.toFixed(0)}`} aria-labelledby="obs-map-caption" role="group">
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} className="obs-map__sea" />
        <path d={toPath(PENINSULA)} className="obs-map__land" />
        <path d={toPath(BALEARICS)} className="obs-map__land" />
        <rect x={INSET.x} y={INSET.y} width={INSET.w} height={INSET.h} className="obs-map__inset" />
        {ref ? <circle cx={ref.x} cy={ref.y} r="9" className="obs-map__ref" aria-hidden="true" /> : null}
        {placed.map(({ p, pt }) => (
          <Link key={p.id} href={`/projects/${p.slug}`} className="obs-map__point" aria-label={t('map.point', { title: p.title, council: p.council.name })}>
            <circle cx={pt.x} cy={pt.y} r="7" />
            <title>{t('map.point', { title: p.title, council: p.council.name })}</title>
          </Link>
        ))}
      </svg>
      <figcaption id="obs-map-caption">
        {t('map.caption', { count: placed.length })}
        {referenceName ? ` ${t('map.reference', { name: referenceName })}` : ''}
        {offMap > 0 ? ` ${t('map.off_map', { count: offMap })}` : ''} {t('map.list_alternative')}
      </figcaption>
    </figure>
  );
}
