/**
 * The shapes of Haven's read API (`/api/v1`, see CONTRACT.md), as the client uses them.
 *
 * Every value arrives through `parse.ts`, which checks these shapes at run time: a server
 * that answers something else is reported as an error instead of breaking the page later.
 */

/** A text in some language, with the language it is actually in (after server fallback). */
export interface LocalisedText {
  readonly text: string;
  readonly lang: string;
}

export interface PolicyArea {
  readonly slug: string;
  readonly label: string;
  readonly description: string;
  readonly position: number;
  readonly practiceCount: number;
}

export interface Network {
  readonly slug: string;
  readonly name: string;
  readonly kind: string | null;
  readonly scope: string | null;
  readonly founded: string | null;
  readonly website: string | null;
  readonly memberCount: number;
  readonly isSafeHarbourCampaign: boolean;
}

/** A region as the collection or the detail names it: `code` is what the `region` filter takes. */
export interface Region {
  readonly code: string;
  readonly name: string;
}

export interface SafeHarbour {
  readonly status: string;
  readonly since: string | null;
}

/** How a city is drawn and explained in the legend. */
export type CityCategory = 'safe_harbour_alliance' | 'safe_harbour' | 'network_member' | 'no_network';

export interface CitySummary {
  readonly slug: string;
  readonly name: string;
  readonly kind: string | null;
  readonly country: string;
  readonly countryName: string;
  readonly region: Region | null;
  readonly population: number | null;
  readonly networks: readonly string[];
  readonly safeHarbour: SafeHarbour | null;
  readonly allianceMember: boolean;
  readonly policyAreas: readonly string[];
  readonly practiceCount: number;
  readonly lon: number;
  readonly lat: number;
  /** Kilometres from the `near` point of the request; null without one. */
  readonly distanceKm: number | null;
}

export interface Membership {
  readonly network: string;
  readonly networkName: string;
  readonly status: string | null;
  readonly role: string | null;
  readonly since: string | null;
  readonly until: string | null;
  readonly evidenceUrl: string | null;
  readonly verifiedOn: string | null;
  /** The newest date a source confirmed it (`verifiedOn`, else `since`). */
  readonly asOf: string | null;
  /** No date, or the newest source is older than two years. */
  readonly needsChecking: boolean;
}

/** What one cited source says about a demand: `decided`, `fulfilled` or `not_decided`. */
export interface DemandEvidence {
  readonly status: string;
  readonly asOf: string | null;
  readonly sourceUrl: string;
}

/** One of Seebrücke's eight demands for a city; `null` means unknown. */
export interface Demand {
  readonly key: string;
  readonly label: string;
  readonly position: number;
  readonly decided: boolean | null;
  readonly fulfilled: boolean | null;
  readonly asOf: string | null;
  readonly evidenceUrl: string | null;
  /** A value is recorded, but it is undecided or its newest source is older than two years. */
  readonly needsChecking: boolean;
  /** Every source on the demand, newest first (the newest decides the value). */
  readonly evidence: readonly DemandEvidence[];
}

export interface PracticeRef {
  readonly slug: string;
  readonly title: LocalisedText;
  readonly policyAreas: readonly string[];
}

export interface CityDetail extends CitySummary {
  /** A short profile composed by Haven from the city's data, in the interface language. */
  readonly profile: string | null;
  /** A featured profile written by Haven from sourced facts, with those sources. */
  readonly summary: LocalisedText | null;
  readonly summarySources: readonly string[];
  readonly officialName: string | null;
  readonly district: string | null;
  readonly website: string | null;
  readonly wikidata: string | null;
  /** The gazetteer place, whose gap sheet is `/{lang}/places/{placeId}/gaps`. */
  readonly placeId: number | null;
  readonly memberships: readonly Membership[];
  readonly demands: readonly Demand[];
  readonly practices: readonly PracticeRef[];
  readonly updatedAt: string | null;
}

export interface PracticeSummary {
  readonly slug: string;
  readonly title: LocalisedText;
  readonly summary: LocalisedText | null;
  readonly city: { readonly slug: string; readonly name: string };
  readonly country: string;
  readonly policyAreas: readonly string[];
  readonly status: string | null;
  /** The date of the newest fact that confirms `status`. */
  readonly statusAsOf: string | null;
  /** Status unknown, or no dated source from the last two years. */
  readonly needsChecking: boolean;
  /** All its facts rest on one source. */
  readonly singleSource: boolean;
  readonly started: number | null;
  readonly ended: number | null;
  readonly organisation: string | null;
  readonly lon: number;
  readonly lat: number;
  /** Kilometres from the `near` point of the request; null without one. */
  readonly distanceKm: number | null;
}

export interface Source {
  readonly url: string;
  readonly title: string | null;
  readonly accessedOn: string | null;
}

export interface PracticeDetail extends PracticeSummary {
  readonly originalLang: string | null;
  readonly titleOriginal: string | null;
  readonly body: LocalisedText | null;
  readonly transferability: string | null;
  readonly contact: string | null;
  readonly sources: readonly Source[];
  readonly confidence: string | null;
  readonly updatedAt: string | null;
}

/** A gazetteer hit; `citySlug` is null when the place is not (yet) a city on Haven. */
export interface Place {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly region: string | null;
  readonly district: string | null;
  readonly population: number | null;
  readonly lon: number;
  readonly lat: number;
  readonly citySlug: string | null;
}

/** What the search box finds for one text (`GET /api/v1/search`), grouped. */
export interface SearchResult {
  readonly q: string;
  readonly places: readonly Place[];
  readonly cities: readonly { readonly slug: string; readonly name: string; readonly country: string }[];
  readonly citiesMatched: number;
  readonly practices: readonly { readonly slug: string; readonly title: LocalisedText; readonly city: { readonly slug: string; readonly name: string } }[];
  readonly practicesMatched: number;
  readonly policyAreas: readonly { readonly slug: string; readonly label: string; readonly practiceCount: number }[];
  /** Similar words that find something, when nothing is found. */
  readonly suggestions: readonly string[];
}

/** One page of a GeoJSON collection. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly numberMatched: number | null;
  readonly next: string | null;
}

/** A whole (possibly multi-page) result. */
export interface Results<T> {
  readonly items: readonly T[];
  readonly numberMatched: number;
}

/** Which category a city is drawn in, from its collection properties. */
export function cityCategory(city: Pick<CitySummary, 'safeHarbour' | 'allianceMember' | 'networks'>): CityCategory {
  if (city.safeHarbour && city.allianceMember) return 'safe_harbour_alliance';
  if (city.safeHarbour) return 'safe_harbour';
  // Listed for its practices (or a demand record) alone: it is no member of anything.
  return city.networks.length > 0 ? 'network_member' : 'no_network';
}
