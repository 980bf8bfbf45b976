/**
 * Intent classifier: multinomial logistic regression trained in-process (AdaGrad, L2), over
 * word unigrams and bigrams of the normalised text plus character 3-5-grams of each word, so that
 * typos ("sertificado", "apointment") still share most features with the right spelling.
 * One model serves the three languages, which is what mixed messages ("i need a cita for padron") need.
 */
import { tokenize } from './nlu.normalize.ts';

export interface TrainingSample {
  text: string;
  intent: string;
}

export interface ClassifierOptions {
  epochs?: number;
  /** AdaGrad base learning rate. */
  learningRate?: number;
  /** L2 penalty per update. */
  l2?: number;
  /** Seed for the example order, so a training run is reproducible. */
  seed?: number;
}

export interface IntentScore {
  name: string;
  confidence: number;
}

/** Token shapes: references and numbers generalise by what they are, not by their digits. */
function shape(tok: string): string {
  if (/^rec-?\d/.test(tok) || /^\d{10,13}$/.test(tok)) return '#receipt';
  if (/^mul-?\d/.test(tok)) return '#fineref';
  if (/^\d{4}\/\d+$/.test(tok)) return '#fileref';
  if (/^\d{8}[a-z]$/.test(tok) || /^[xyz]\d{7}[a-z]$/.test(tok)) return '#docid';
  if (/\d/.test(tok)) return '#num';
  return tok;
}

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.8;
const CHAR_WEIGHT = 0.25;

/** Sparse feature vector (name -> value), L2-normalised. */
export function featurize(text: string): Map<string, number> {
  const toks = tokenize(text).map(shape);
  const f = new Map<string, number>();
  const add = (k: string, v: number) => f.set(k, (f.get(k) ?? 0) + v);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] ?? '';
    add(`w:${t}`, WORD_WEIGHT);
    const next = toks[i + 1];
    if (next !== undefined) add(`b:${t}_${next}`, BIGRAM_WEIGHT);
    if (t.startsWith('#') || t.length < 3) continue;
    const padded = `<${t}>`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, CHAR_WEIGHT);
    }
  }
  let norm = 0;
  for (const v of f.values()) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (const [k, v] of f) f.set(k, v / norm);
  return f;
}

/** Small deterministic PRNG (mulberry32) for shuffles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Greetings that open a request; "hola buenos dias, quiero pagar el ibi" is a payment, not a greeting. */
const GREETING_OPENERS: readonly (readonly string[])[] = [
  ['muy', 'buenas'], ['molt', 'bon', 'dia'], ['molt', 'bones'], ['buenos', 'dias'], ['buenas', 'tardes'], ['buenas', 'noches'], ['bon', 'dia'],
  ['bona', 'vesprada'], ['bona', 'tarda'], ['bona', 'nit'], ['good', 'morning'], ['good', 'afternoon'], ['good', 'evening'], ['hi', 'there'],
  ['hello', 'there'], ['hola'], ['buenas'], ['bones'], ['hi'], ['hello'], ['hey'], ['ei'], ['buen', 'dia'], ['bondia'],
];
/** Requests shorter than this after the greeting stay whole ("hola que tal" is a greeting). */
const MIN_REQUEST_TOKENS = 3;

/**
 * The text without its opening greetings, when what follows is long enough to be a request;
 * otherwise the text unchanged.
 */
export function stripGreeting(text: string): string {
  const toks = tokenize(text);
  let i = 0;
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const g of GREETING_OPENERS) {
      if (g.every((w, k) => toks[i + k] === w)) {
        i += g.length;
        stripped = true;
        break;
      }
    }
  }
  return i > 0 && toks.length - i >= MIN_REQUEST_TOKENS ? toks.slice(i).join(' ') : text;
}

export class IntentClassifier {
  readonly intents: string[];
  private readonly featureIndex: Map<string, number>;
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;

  private constructor(intents: string[], featureIndex: Map<string, number>, weights: Float64Array, bias: Float64Array) {
    this.intents = intents;
    this.featureIndex = featureIndex;
    this.weights = weights;
    this.bias = bias;
  }

  /** Trains a model; a few hundred milliseconds for a few thousand utterances. */
  static train(samples: readonly TrainingSample[], opts: ClassifierOptions = {}): IntentClassifier {
    const epochs = opts.epochs ?? 15;
    const lr = opts.learningRate ?? 0.4;
    const l2 = opts.l2 ?? 1e-5;
    const intents = [...new Set(samples.map((s) => s.intent))].sort();
    const classIndex = new Map(intents.map((n, i) => [n, i]));
    const featureIndex = new Map<string, number>();
    const data: { idx: Int32Array; val: Float64Array; y: number }[] = [];
    for (const s of samples) {
      const fv = featurize(stripGreeting(s.text));
      const idx = new Int32Array(fv.size);
      const val = new Float64Array(fv.size);
      let k = 0;
      for (const [name, v] of fv) {
        let i = featureIndex.get(name);
        if (i === undefined) {
          i = featureIndex.size;
          featureIndex.set(name, i);
        }
        idx[k] = i;
        val[k] = v;
        k++;
      }
      data.push({ idx, val, y: classIndex.get(s.intent) ?? 0 });
    }
    const C = intents.length;
    const W = new Float64Array(featureIndex.size * C);
    const G = new Float64Array(featureIndex.size * C).fill(1e-8);
    const b = new Float64Array(C);
    const gb = new Float64Array(C).fill(1e-8);
    const rand = seededRandom(opts.seed ?? 42);
    const order = data.map((_, i) => i);
    const logits = new Float64Array(C);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const tmp = order[i] ?? 0;
        order[i] = order[j] ?? 0;
        order[j] = tmp;
      }
      for (const oi of order) {
        const ex = data[oi];
        if (!ex) continue;
        scoreInto(ex.idx, ex.val, W, b, C, logits);
        softmaxInPlace(logits);
        for (let c = 0; c < C; c++) {
          const grad = (logits[c] ?? 0) - (c === ex.y ? 1 : 0);
          gb[c] = (gb[c] ?? 0) + grad * grad;
          b[c] = (b[c] ?? 0) - (lr * grad) / Math.sqrt(gb[c] ?? 1);
          for (let k = 0; k < ex.idx.length; k++) {
            const w = (ex.idx[k] ?? 0) * C + c;
            const g = grad * (ex.val[k] ?? 0) + l2 * (W[w] ?? 0);
            G[w] = (G[w] ?? 0) + g * g;
            W[w] = (W[w] ?? 0) - (lr * g) / Math.sqrt(G[w] ?? 1);
          }
        }
      }
    }
    return new IntentClassifier(intents, featureIndex, W, b);
  }

  /** Every intent with its softmax probability, best first. */
  classify(text: string): IntentScore[] {
    const fv = featurize(stripGreeting(text));
    const idx: number[] = [];
    const val: number[] = [];
    for (const [name, v] of fv) {
      const i = this.featureIndex.get(name);
      if (i !== undefined) {
        idx.push(i);
        val.push(v);
      }
    }
    const C = this.intents.length;
    const logits = new Float64Array(C);
    scoreInto(idx, val, this.weights, this.bias, C, logits);
    softmaxInPlace(logits);
    return this.intents.map((name, c) => ({ name, confidence: logits[c] ?? 0 })).sort((a, b) => b.confidence - a.confidence);
  }
}

function scoreInto(
  idx: ArrayLike<number>,
  val: ArrayLike<number>,
  W: Float64Array,
  b: Float64Array,
  C: number,
  out: Float64Array,
): void {
  for (let c = 0; c < C; c++) out[c] = b[c] ?? 0;
  for (let k = 0; k < idx.length; k++) {
    const base = (idx[k] ?? 0) * C;
    const v = val[k] ?? 0;
    for (let c = 0; c < C; c++) out[c] = (out[c] ?? 0) + (W[base + c] ?? 0) * v;
  }
}

function softmaxInPlace(x: Float64Array): void {
  let max = -Infinity;
  for (const v of x) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp((x[i] ?? 0) - max);
    x[i] = e;
    sum += e;
  }
  for (let i = 0; i < x.length; i++) x[i] = (x[i] ?? 0) / sum;
}
