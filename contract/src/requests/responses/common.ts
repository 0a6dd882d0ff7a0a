/** The pieces every response schema is built from. */
import { z } from 'zod';
import { HEDGES, TIMEFRAMES } from '../../constants';

export const num = z.number();
export const nullableNum = num.nullable();
export const signal = z.enum(['LONG', 'SHORT', 'NEUTRAL']);
export const timeframe = z.enum(TIMEFRAMES);
export const hedge = z.enum(HEDGES);
/** Objects are strict (no property the type lacks): the OpenAPI document says exactly what comes back. */
export const obj = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape);
