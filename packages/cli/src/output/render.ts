// vega and vega-lite are ES modules (vega with top-level await): require() cannot load them,
// and TypeScript's CommonJS output turns import() into require(). A Function keeps a real
// import() in both builds.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface VegaLite {
  compile(spec: unknown): { spec: unknown };
}
interface Vega {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

/** Renders a Vega-Lite spec to an SVG string, headless (vega's View.toSVG; no canvas, no browser). */
export async function renderSvg(spec: unknown): Promise<string> {
  const vl = (await importModule('vega-lite')) as VegaLite;
  const vega = (await importModule('vega')) as Vega;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
