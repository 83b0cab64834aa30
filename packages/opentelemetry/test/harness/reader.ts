// Collects what an OpenTelemetry SDK would export: a MeterProvider with a pull reader, flattened
// to one point per (instrument, attributes).
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';

class PullReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Point {
  name: string;
  unit: string;
  scope: string;
  attributes: Record<string, unknown>;
  /** A sum or gauge value; for a histogram, its count. */
  value: number;
  histogram?: { sum: number; count: number; boundaries: number[]; counts: number[] };
}

export function testProvider(): { provider: MeterProvider; collect: () => Promise<Point[]> } {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async (): Promise<Point[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap((metric) => pointsOf(metric, scope.scope.name)));
  };
  return { provider, collect };
}

function pointsOf(metric: MetricData, scope: string): Point[] {
  const { name, unit } = metric.descriptor;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return metric.dataPoints.map((point) => ({
      name,
      unit,
      scope,
      attributes: { ...point.attributes },
      value: point.value.count,
      histogram: { sum: point.value.sum ?? 0, count: point.value.count, boundaries: point.value.buckets.boundaries, counts: point.value.buckets.counts },
    }));
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    return metric.dataPoints.map((point) => ({ name, unit, scope, attributes: { ...point.attributes }, value: point.value as number }));
  }
  throw new Error(`unexpected data point type for ${name}`);
}

/** The points of `name` whose attributes include `attributes`. */
export function pointsNamed(points: readonly Point[], name: string, attributes: Record<string, unknown> = {}): Point[] {
  return points.filter((p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
}

/** The one point of `name` with exactly these attributes; throws when there is none. */
export function pointOf(points: readonly Point[], name: string, attributes: Record<string, unknown>): Point {
  const found = points.filter(
    (p) => p.name === name && Object.keys(p.attributes).length === Object.keys(attributes).length && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
  );
  if (found.length !== 1) throw new Error(`expected one point ${name}${JSON.stringify(attributes)}, found ${found.length}: ${JSON.stringify(pointsNamed(points, name))}`);
  return found[0]!;
}
