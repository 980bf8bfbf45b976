/**
 * Bridges languages for search: a question in Valencian or English is looked up in Spanish content (and the
 * other way round). Apertium (rule-based, runs here, ~0.5 s a process) does sentences; when it is missing or
 * slow, a built-in bilingual map of the most frequent municipal words still gets the topic across.
 */
import { spawn } from 'node:child_process';
import type { Language } from '../../../shared/languages.ts';
import { fold } from './knowledge.text.ts';

/** Translates short texts; undefined when it cannot (then callers fall back to the keyword map). */
export interface Translator {
  translate(text: string, from: Language, to: Language): Promise<string | undefined>;
}

/** Apertium modes per direction; Valencian forms for Catalan output. */
const APERTIUM_MODES: Record<string, string> = {
  'ca>es': 'cat-spa',
  'es>ca': 'spa-cat_valencia',
  'en>es': 'eng-spa',
  'es>en': 'spa-eng',
  'ca>en': 'cat-eng',
  'en>ca': 'eng-cat_valencia',
};

export interface ApertiumOptions {
  /** The apertium executable. */
  command?: string;
  /** Per call, in ms. */
  timeoutMs?: number;
  /** Translations kept in memory (questions repeat a lot). */
  cacheSize?: number;
}

export class ApertiumTranslator implements Translator {
  private isMissing = false;
  private readonly cache = new Map<string, string>();
  private readonly command: string;
  private readonly timeoutMs: number;
  private readonly cacheSize: number;

  constructor(opts: ApertiumOptions = {}) {
    this.command = opts.command ?? 'apertium';
    // Generous: a process start takes ~0.5 s on an idle machine and several seconds on a busy one.
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.cacheSize = opts.cacheSize ?? 1000;
  }

  async translate(text: string, from: Language, to: Language): Promise<string | undefined> {
    if (from === to) return text;
    const mode = APERTIUM_MODES[`${from}>${to}`];
    if (!mode || this.isMissing || !text.trim()) return undefined;
    const key = `${mode}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const out = await this.run(mode, text);
    if (out === undefined) return undefined;
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, out);
    return out;
  }

  private run(mode: string, text: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      };
      // -u: no marks on unknown words, so they pass through unchanged (names, typos).
      const child = spawn(this.command, ['-u', mode], { stdio: ['pipe', 'pipe', 'ignore'] });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(undefined);
      }, this.timeoutMs);
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') this.isMissing = true;
        finish(undefined);
      });
      child.on('close', (code) => finish(code === 0 ? out.trim() : undefined));
      child.stdin.on('error', () => finish(undefined));
      child.stdin.end(text.replace(/\s+/g, ' '));
    });
  }
}

/** A translator that never translates (tests, or deployments without Apertium): the keyword map still works. */
export const noTranslator: Translator = { translate: async () => undefined };

/**
 * Top municipal words in Valencian and English with their Spanish equivalents (folded, lower case).
 * Values are several words when citizens' word maps to more than one term in the catalogue.
 */
const TO_SPANISH: Record<'ca' | 'en', Record<string, string>> = {
  ca: {
    padro: 'padron empadronamiento', empadronament: 'empadronamiento padron', empadronar: 'empadronar', certificat: 'certificado', volant: 'volante',
    llicencia: 'licencia', llicencies: 'licencias', obres: 'obras', obra: 'obra', impost: 'impuesto', imposts: 'impuestos', taxa: 'tasa', taxes: 'tasas',
    rebut: 'recibo', rebuts: 'recibos', multa: 'multa', multes: 'multas', fem: 'basuras residuos', brossa: 'basuras residuos', gual: 'vado',
    aigua: 'agua', escola: 'escuela', escoles: 'escuelas', bressol: 'infantil', beca: 'beca', beques: 'becas', ajuda: 'ayuda', ajudes: 'ayudas',
    subvencio: 'subvencion', subvencions: 'subvenciones', gos: 'perro', gossos: 'perros', gat: 'gato', animals: 'animales', mascota: 'animal compania',
    cotxe: 'vehiculo coche', vehicle: 'vehiculo', aparcament: 'aparcamiento estacionamiento', bicicleta: 'bicicleta', matrimoni: 'matrimonio boda',
    casament: 'matrimonio boda', parella: 'pareja', fet: 'hecho', queixa: 'queja', queixes: 'quejas', reclamacio: 'reclamacion', suggeriment: 'sugerencia',
    biblioteca: 'biblioteca', carnet: 'carne tarjeta', targeta: 'tarjeta', terrassa: 'terraza veladores', mercat: 'mercado', venda: 'venta', ambulant: 'ambulante',
    habitatge: 'vivienda', lloguer: 'alquiler', soroll: 'ruido', arbre: 'arbol', arbres: 'arboles', carrer: 'calle via publica', via: 'via',
    cementeri: 'cementerio', ninxol: 'nicho', defuncio: 'defuncion', naixement: 'nacimiento', registre: 'registro', 
    sollicitud: 'solicitud', demanar: 'solicitar pedir', pagar: 'pagar pago', pagament: 'pago', baixa: 'baja', alta: 'alta', canvi: 'cambio',
    domicili: 'domicilio',  adreca: 'direccion domicilio', esports: 'deportes deportivas', piscina: 'piscina',
     installacions: 'instalaciones', activitat: 'actividad', activitats: 'actividades', obrir: 'apertura abrir',
    negoci: 'negocio actividad', botiga: 'comercio tienda', local: 'local', gent: 'personas', major: 'mayores', majors: 'mayores', 
    discapacitat: 'discapacidad', dependencia: 'dependencia', social: 'social', socials: 'sociales', ocupacio: 'ocupacion', publica: 'publica',
    contenidor: 'contenedor', runes: 'escombros', mobles: 'muebles enseres', recollida: 'recogida', neteja: 'limpieza', graffiti: 'pintadas',
    festa: 'fiesta', festes: 'fiestas', espectacle: 'espectaculo', rodatge: 'rodaje filmacion', fotografia: 'fotografia', arxiu: 'archivo',
    documents: 'documentos', ocupar: 'ocupar', tallar: 'cortar corte', tall: 'corte', transit: 'trafico', grua: 'grua', infraccio: 'infraccion',
    denuncia: 'denuncia', plusvalua: 'plusvalia', immobles: 'inmuebles', bens: 'bienes', ibi: 'ibi', urbanisme: 'urbanismo', cedula: 'cedula',
    primera: 'primera',  electronic: 'electronico', digital: 'digital', cita: 'cita', previa: 'previa', horari: 'horario',
    estiu: 'verano', colonies: 'colonias campamentos', joves: 'jovenes juventud', joventut: 'juventud', dona: 'mujer', dones: 'mujeres', violencia: 'violencia',
    menjador: 'comedor',  bus: 'autobus', autobus: 'autobus', tramvia: 'tranvia', taxi: 'taxi', responsabilitat: 'responsabilidad',
    patrimonial: 'patrimonial', danys: 'danos', accident: 'accidente', caiguda: 'caida', vorera: 'acera', voreres: 'aceras',  fianca: 'fianza',
    comptador: 'contador', cens: 'censo', electoral: 'electoral', voluntariat: 'voluntariado', associacio: 'asociacion', associacions: 'asociaciones', entitats: 'entidades',
  },
  en: {
    register: 'registro inscripcion censo alta', married: 'bodas matrimonio', marry: 'bodas matrimonio', home: 'domicilio', towed: 'grua retirados', registration: 'empadronamiento registro inscripcion', census: 'padron censo', residence: 'residencia empadronamiento',
    certificate: 'certificado', license: 'licencia', licence: 'licencia', permit: 'licencia permiso autorizacion', works: 'obras', building: 'obras edificio construccion',
    tax: 'impuesto tasa', taxes: 'impuestos tasas', fee: 'tasa precio', fees: 'tasas', bill: 'recibo', receipt: 'recibo', fine: 'multa sancion', fines: 'multas sanciones',
    rubbish: 'basuras residuos', garbage: 'basuras residuos', waste: 'residuos basuras', trash: 'basuras residuos', water: 'agua', school: 'escuela colegio',
    nursery: 'escuela infantil', grant: 'beca subvencion ayuda', scholarship: 'beca', aid: 'ayuda', benefit: 'ayuda prestacion', subsidy: 'subvencion',
    dog: 'perro', dogs: 'perros', cat: 'gato', pet: 'animal compania', pets: 'animales compania', animal: 'animal', car: 'vehiculo coche', vehicle: 'vehiculo',
    parking: 'estacionamiento aparcamiento', bike: 'bicicleta', bicycle: 'bicicleta', marriage: 'matrimonio boda', wedding: 'boda matrimonio', couple: 'pareja',
    partnership: 'pareja hecho', complaint: 'queja reclamacion', complaints: 'quejas', suggestion: 'sugerencia', library: 'biblioteca', card: 'tarjeta carne',
    terrace: 'terraza veladores', market: 'mercado', street: 'calle via publica ambulante', vending: 'venta ambulante', housing: 'vivienda', rent: 'alquiler',
    noise: 'ruido', tree: 'arbol', trees: 'arboles', cemetery: 'cementerio', niche: 'nicho', death: 'defuncion fallecimiento', birth: 'nacimiento',
    apply: 'solicitar solicitud', application: 'solicitud', request: 'solicitud solicitar', pay: 'pagar pago', payment: 'pago', cancel: 'baja anulacion',
    change: 'cambio modificacion', address: 'domicilio direccion', sports: 'deportes deportivas', pool: 'piscina', swimming: 'piscina', facilities: 'instalaciones',
    business: 'actividad negocio comercio', open: 'apertura', opening: 'apertura', shop: 'comercio tienda', elderly: 'mayores', disability: 'discapacidad',
    disabled: 'discapacidad', dependency: 'dependencia', social: 'social', container: 'contenedor', skip: 'contenedor', rubble: 'escombros', furniture: 'muebles enseres',
    collection: 'recogida', cleaning: 'limpieza', graffiti: 'pintadas', festival: 'fiestas', party: 'fiesta', show: 'espectaculo', filming: 'rodaje filmacion',
    photo: 'fotografia', archive: 'archivo', documents: 'documentos', traffic: 'trafico', tow: 'grua', towing: 'grua', offence: 'infraccion',
    property: 'inmuebles bienes ibi', capital: 'plusvalia', gains: 'plusvalia', planning: 'urbanismo', occupancy: 'ocupacion cedula', digital: 'digital electronico',
    appointment: 'cita previa', summer: 'verano', camp: 'colonias campamentos', camps: 'colonias campamentos', youth: 'jovenes juventud', women: 'mujer mujeres',
    violence: 'violencia', canteen: 'comedor', meals: 'comedor comidas', bus: 'autobus', tram: 'tranvia', taxi: 'taxi', damage: 'danos responsabilidad patrimonial',
    damages: 'danos responsabilidad patrimonial', compensation: 'indemnizacion responsabilidad patrimonial', accident: 'accidente', fall: 'caida', pavement: 'acera',
    sidewalk: 'acera', deposit: 'fianza', meter: 'contador', electoral: 'electoral', roll: 'censo', volunteer: 'voluntariado', volunteering: 'voluntariado',
    association: 'asociacion', associations: 'asociaciones', charity: 'entidades', leak: 'fuga averia', kiosk: 'quiosco', wheelchair: 'discapacidad movilidad',
    reduced: 'reducida', mobility: 'movilidad', badge: 'tarjeta', blue: 'estacionamiento', zone: 'zona', resident: 'residente vecino', residents: 'residentes vecinos',
  },
};

/** Spanish words for the municipal terms found in a Valencian or English question (empty for others). */
export function keywordsToSpanish(text: string, from: Language): string[] {
  return keywordGroupsToSpanish(text, from).flat();
}

/** Like keywordsToSpanish, one group of alternatives per source word. */
export function keywordGroupsToSpanish(text: string, from: Language): string[][] {
  if (from === 'es') return [];
  const map = TO_SPANISH[from];
  const out: string[][] = [];
  for (const w of fold(text).split(/[^a-z0-9]+/)) {
    const es = map[w];
    if (es) out.push(es.split(' '));
  }
  return out;
}

/**
 * Colloquial Spanish -> the catalogue's wording ("bebé" -> "nacimiento", "bus" -> "autobús"). Applied to Spanish
 * questions and to translations; each word keeps its own meaning too.
 */
const SPANISH_SYNONYMS: Record<string, string> = {
  bebe: 'nacimiento', bebes: 'nacimiento', nino: 'menor nacimiento', hijo: 'nacimiento menor', hija: 'nacimiento menor',
  mudado: 'cambio domicilio', mudanza: 'cambio domicilio', mudo: 'cambio domicilio', mudarme: 'cambio domicilio', piso: 'vivienda domicilio', casa: 'vivienda domicilio',
  coche: 'vehiculo', coches: 'vehiculos', moto: 'vehiculo motocicleta', bus: 'autobus', gratis: 'gratuita gratuito', jubilado: 'pensionista mayores',
  jubilados: 'pensionistas mayores', abuelo: 'mayores', abuela: 'mayores', madre: 'mayores', padre: 'mayores', viejo: 'mayores usados', viejos: 'usados mayores',
  minusvalido: 'discapacidad', minusvalidos: 'discapacidad', discapacitado: 'discapacidad', discapacitados: 'discapacidad', aparcamiento: 'estacionamiento',
  aparcar: 'estacionamiento', aparcamientos: 'estacionamiento', sofa: 'muebles voluminosos', colchon: 'muebles voluminosos', trastos: 'muebles enseres',
  casarme: 'bodas matrimonio', casar: 'bodas matrimonio', caso: 'bodas', boda: 'bodas matrimonio', casamos: 'bodas matrimonio', reforma: 'obras', arreglo: 'obras',
  grabar: 'rodajes grabaciones', anuncio: 'rodajes publicidad', pelicula: 'rodajes', quejarme: 'quejas', queja: 'quejas', reclamar: 'quejas reclamaciones',
  perro: 'canino perros', perros: 'canino', gato: 'gatos animales', mascota: 'animales', bici: 'bicicletas', bicicleta: 'bicicletas', biblioteca: 'bibliotecas',
  libros: 'prestamo bibliotecas', socio: 'carne socio', carnet: 'carne', boton: 'teleasistencia', dinero: 'ayudas', llego: 'urgente necesidad',
  circulacion: 'vehiculos traccion', impuesto: 'impuesto', multa: 'multas', terraza: 'veladores', mesas: 'veladores', cobrado: 'devolucion', devuelvan: 'devolucion',
  fraccionar: 'fraccionamiento aplazamiento', pagar: 'pago', herencia: 'mortis causa herencias', luz: 'electrica', basura: 'basuras', escombros: 'escombros',
  grua: 'grua retirados deposito', voluntario: 'voluntariado', recogen: 'recogida', recoger: 'recogida', recojo: 'recogida', titular: 'titular',
};

export function spanishSynonyms(word: string): string[] {
  return SPANISH_SYNONYMS[word]?.split(' ') ?? [];
}
