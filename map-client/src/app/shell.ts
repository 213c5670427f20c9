/**
 * What every part of the app shares: the state and its URL, both API clients, the status
 * line, the map, the interface language's strings and the signed-in account.
 */

import type { AccountApi } from '../api/account';
import type { Me } from '../api/parse-account';
import type { HavenApi } from '../api/client';
import type { Translate } from '../i18n';
import type { StatusBar } from '../ui/status';
import type { Router } from './router';
import type { MapStage } from './stage';

export interface Shell {
  readonly router: Router;
  readonly api: HavenApi;
  readonly account: AccountApi;
  readonly status: StatusBar;
  readonly stage: MapStage;
  /** This page is the embeddable map (`/embed`): the map alone, framed by another site. */
  readonly embedded: boolean;
  /** Every interface string, in the current language (replaced when the language changes). */
  t: Translate;
  /** The signed-in account (null when signed out or not known yet). */
  me: Me | null;
}
