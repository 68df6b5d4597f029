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

/**
 * The V8 flags the production start gives node (package.json `start:prod`, the image's CMD): flags NODE_OPTIONS may
 * not carry. `--heap-growing-percent=50`: V8 let the old generation grow to up to 4x its live size between
 * collections, so a cold question's native JSON grew the heap to 450 MB over 111 MB live. Scale scenario, one run
 * each: RSS right after warm-up 723 -> 545 MB, right after the load 685 -> 428 MB; cold p50 / p99 316 / 2,316 ->
 * 337 / 2,112 ms, overhead 13.8 -> 10.2 ms, warm load 7,570 -> 8,861 answers/s (no cost seen). 20 gave 505 and
 * 377 MB, also without a cost seen; 50 leaves room for busier allocation.
 */
export const PRODUCTION_NODE_FLAGS: string[] = productionNodeFlags();

function productionNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts['start:prod'].split(/\s+/);
  return words.slice(1).filter((word) => word.startsWith('--'));
}
