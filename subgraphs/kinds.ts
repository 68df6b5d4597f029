/**
 * The adapter kinds this build knows, by `apiKind`. A new native API joins by adding its kind here.
 */
import { dicomwebKind } from './dicomweb';
import { eucaimMediatorKind } from './eucaim';
import { nbiaKind } from './nbia';
import type { AdapterKind } from './sdk/adapter';

export const ADAPTER_KINDS: readonly AdapterKind[] = [dicomwebKind, nbiaKind, eucaimMediatorKind];
