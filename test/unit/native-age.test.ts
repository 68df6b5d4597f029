import { checkedAgeYears } from '../../subgraphs/sdk/age';

describe('ages from native data', () => {
  it('passes plausible human ages', () => {
    expect(checkedAgeYears(0, 'r', 'x')).toBe(0);
    expect(checkedAgeYears(67.5, 'r', 'x')).toBe(67.5);
    expect(checkedAgeYears(130, 'r', 'x')).toBe(130);
  });

  it('refuses an age outside 0-130 years as bad native data, naming the repository and the field', () => {
    expect(() => checkedAgeYears(965, 'es-node', 'age_range.max')).toThrow(
      expect.objectContaining({ code: 'REPOSITORY_BAD_RESPONSE', repositoryId: 'es-node', message: expect.stringContaining('age_range.max is an age of 965 years') }));
    expect(() => checkedAgeYears(-1, 'r', 'x')).toThrow(/outside 0-130/);
    expect(() => checkedAgeYears(Number.NaN, 'r', 'x')).toThrow(/outside 0-130/);
  });
});
