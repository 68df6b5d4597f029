/**
 * The C library's memory settings the production image sets (deploy/Dockerfile; deploy/kubernetes/gateway.yaml):
 * blocks of 128 KiB and more are mapped and returned on free, and freed memory at the top of the heap is given
 * back from 128 KiB on. The gateway frees many large buffers (native answers, harvests); with glibc's defaults their
 * memory stayed with the process. Scale scenario, one A/B run of 20 s load: RSS after warm-up 909 -> 738 MB, after the
 * load 1,407 -> 1,289 MB, answers/s unchanged. And V8's larger young generation (NODE_OPTIONS, runtime.env says why).
 * Read from deploy/runtime.env so the bench and the image agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PRODUCTION_RUNTIME_ENV: Record<string, string> = Object.fromEntries(
  readFileSync(join(__dirname, '..', 'deploy', 'runtime.env'), 'utf8').split('\n')
    .map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
