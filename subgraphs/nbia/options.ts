/** `entry.options` of an nbia repository (sdk/options.ts). */
import { defineOptions, option, type OptionsOf } from '../sdk/options';

export const NBIA_OPTIONS = defineOptions('nbia', {
  indexTtlSeconds: option.positiveNumber({ default: 300, unit: 'seconds', description: 'Seconds the harvested index (and the raw values pushed-down criteria expand to) answers before it is refreshed.' }),
});

export type NbiaOptions = OptionsOf<typeof NBIA_OPTIONS.specs>;

export const validateNbiaOptions = NBIA_OPTIONS.validateOptions;
export const readNbiaOptions = NBIA_OPTIONS.readOptions;
