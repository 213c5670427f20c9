/**
 * The names of the fields a revision or a suggestion changes, as readers say them: the
 * history and the moderators' before/after tables show these instead of the API's names.
 */

import type { Language } from './index';

type FieldNames = Readonly<Record<string, string>>;

const FIELDS: Readonly<Record<Language, FieldNames>> = {
  en: {
    accessed_on: 'Accessed on', body: 'Description', city: 'City', contact: 'Contact', country: 'Country',
    demand: 'Demand', ended: 'Ended in', evidence: 'Evidence', kind: 'Kind', lat: 'Latitude', lon: 'Longitude',
    name: 'Name', names: 'Names in other languages', network: 'Network', official_name: 'Official name',
    organisation: 'Organisation', original_lang: 'Original language', policy_areas: 'Policy areas',
    population: 'Population', published: 'Published', role: 'Role', since: 'Since', slug: 'Address (slug)',
    source_url: 'Source', sources: 'Sources', started: 'Started in', status: 'Status', summary: 'Summary',
    takeaways: 'Takeaways', title: 'Title', transferability: 'Transferability', url: 'Web address',
    website: 'Website', wikidata: 'Wikidata',
  },
  de: {
    accessed_on: 'Abgerufen am', body: 'Beschreibung', city: 'Stadt', contact: 'Kontakt', country: 'Land',
    demand: 'Forderung', ended: 'Beendet', evidence: 'Beleg', kind: 'Art', lat: 'Breitengrad', lon: 'Längengrad',
    name: 'Name', names: 'Namen in anderen Sprachen', network: 'Netzwerk', official_name: 'Amtlicher Name',
    organisation: 'Organisation', original_lang: 'Originalsprache', policy_areas: 'Politikfelder',
    population: 'Einwohnerzahl', published: 'Veröffentlicht', role: 'Rolle', since: 'Seit', slug: 'Adresse (Slug)',
    source_url: 'Quelle', sources: 'Quellen', started: 'Begonnen', status: 'Status', summary: 'Zusammenfassung',
    takeaways: 'Zum Mitnehmen', title: 'Titel', transferability: 'Übertragbarkeit', url: 'Webadresse',
    website: 'Website', wikidata: 'Wikidata',
  },
  fr: {
    accessed_on: 'Consulté le', body: 'Description', city: 'Ville', contact: 'Contact', country: 'Pays',
    demand: 'Revendication', ended: 'Fin', evidence: 'Preuve', kind: 'Type', lat: 'Latitude', lon: 'Longitude',
    name: 'Nom', names: 'Noms dans d’autres langues', network: 'Réseau', official_name: 'Nom officiel',
    organisation: 'Organisation', original_lang: 'Langue d’origine', policy_areas: 'Domaines d’action',
    population: 'Population', published: 'Publié', role: 'Rôle', since: 'Depuis', slug: 'Adresse (slug)',
    source_url: 'Source', sources: 'Sources', started: 'Début', status: 'Statut', summary: 'Résumé',
    takeaways: 'À retenir', title: 'Titre', transferability: 'Transférabilité', url: 'Adresse web',
    website: 'Site web', wikidata: 'Wikidata',
  },
  es: {
    accessed_on: 'Consultado el', body: 'Descripción', city: 'Ciudad', contact: 'Contacto', country: 'País',
    demand: 'Reivindicación', ended: 'Fin', evidence: 'Prueba', kind: 'Tipo', lat: 'Latitud', lon: 'Longitud',
    name: 'Nombre', names: 'Nombres en otros idiomas', network: 'Red', official_name: 'Nombre oficial',
    organisation: 'Organización', original_lang: 'Idioma original', policy_areas: 'Ámbitos de actuación',
    population: 'Población', published: 'Publicado', role: 'Papel', since: 'Desde', slug: 'Dirección (slug)',
    source_url: 'Fuente', sources: 'Fuentes', started: 'Inicio', status: 'Estado', summary: 'Resumen',
    takeaways: 'Conclusiones', title: 'Título', transferability: 'Transferibilidad', url: 'Dirección web',
    website: 'Sitio web', wikidata: 'Wikidata',
  },
};

/** The reader's name of field `field` (a dotted path names its first part), else the field. */
export function fieldLabel(field: string, lang: Language): string {
  const [head = field, ...rest] = field.split('.');
  const label = FIELDS[lang][head];
  if (label === undefined) return field;
  return rest.length === 0 ? label : `${label} (${rest.join('.')})`;
}
