/** Portfolios: plans grouping several actions (e.g. Alicante Smart City 2.0), with objectives and budget lines. */
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import { toPortfolio } from './observatory.presenters.ts';
import type { Portfolio } from './observatory.schemas.ts';
import type { ObsContext } from './observatory.types.ts';
import * as repo from './portfolios.repository.ts';

export class PortfoliosService {
  constructor(private readonly ctx: ObsContext) {}

  async portfolio(slug: string, lang: Language): Promise<Portfolio> {
    const p = await repo.findPortfolio(this.ctx.db, slug);
    if (!p) throw new AppError('observatory.portfolio_not_found');
    return toPortfolio(p, lang);
  }

  async portfolios(lang: Language): Promise<Portfolio[]> {
    return (await repo.listPortfolios(this.ctx.db)).map((p) => toPortfolio(p, lang));
  }
}
