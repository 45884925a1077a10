import type { MinuteAverage } from './schemas.ts';

export interface PointValues {
  lat: number;
  long: number;
  accuracy: number;
  speed: number | null;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * The direction of the mean unit vector, in degrees within [-180, 180]: longitudes wrap, so 179.9 and
 * -179.9 average to ±180 (an arithmetic mean would say 0, the other side of the planet).
 */
export const circularMeanDegrees = (degrees: number[]): number => {
  let sin = 0;
  let cos = 0;
  for (const d of degrees) {
    const radians = (d * Math.PI) / 180;
    sin += Math.sin(radians);
    cos += Math.cos(radians);
  }
  const mean = (Math.atan2(sin, cos) * 180) / Math.PI;
  return Math.min(180, Math.max(-180, mean));
};

/** The averages of one user-minute's stored points (at least one). */
export const minuteAverage = (minute: string, points: PointValues[]): MinuteAverage => {
  const speeds = points.map((p) => p.speed).filter((s): s is number => s !== null);
  return {
    minute,
    lat: mean(points.map((p) => p.lat)),
    long: circularMeanDegrees(points.map((p) => p.long)),
    accuracy: mean(points.map((p) => p.accuracy)),
    speed: speeds.length > 0 ? mean(speeds) : null,
    count: points.length,
  };
};
