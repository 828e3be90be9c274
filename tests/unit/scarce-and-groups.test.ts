import { describe, it, expect } from 'vitest';
import { scarceQuestion, type PlacementMember, type PlacementUnit } from '../../src/domain/placement/choose-unit.ts';
import { linesByGroup } from '../../src/domain/handoffs/read.ts';

const unit = (id: string, o: Partial<PlacementUnit> = {}): PlacementUnit => ({ id, name: id, admits: 'any', features: [], status: 'AVAILABLE', free: 10, ...o });
const adult = (sex: 'L' | 'P', o: Partial<PlacementMember> = {}): PlacementMember => ({ sex, age: 40, ...o });
const familyOfFive: PlacementMember[] = [adult('L', { wheelchair: true, disabilities: ['fisik'] }), adult('P'), adult('L', { age: 16 }), adult('P', { age: 12 }), adult('L', { age: 8 })];

describe('scarceQuestion (placement/choose-unit.ts)', () => {
  const accessible = unit('Zona D', { features: ['accessible'], free: 5 });
  const family = unit('Zona C', { admits: 'family', free: 24 });

  it('asks when the only unit meeting every need is scarce and the household takes more than half of it', () => {
    const q = scarceQuestion([accessible, family], familyOfFive, true);
    expect(q).toMatchObject({ unit: { id: 'Zona D' }, size: 5, free: 5, elsewhere: { id: 'Zona C' } });
  });

  it('asks nothing at half or fewer, for one person, for a household without such a need, or when two units meet every need', () => {
    expect(scarceQuestion([{ ...accessible, free: 10 }, family], familyOfFive, true)).toBeNull();
    expect(scarceQuestion([accessible, family], [familyOfFive[0]!], false)).toBeNull();
    expect(scarceQuestion([accessible, family], familyOfFive.slice(1), true)).toBeNull();
    expect(scarceQuestion([accessible, unit('Zona E', { features: ['accessible'], free: 8 }), family], familyOfFive, true)).toBeNull();
  });

  it('names no other place when none can take the household together', () => {
    expect(scarceQuestion([accessible, { ...family, free: 3 }], familyOfFive, true)).toMatchObject({ unit: { id: 'Zona D' }, elsewhere: null });
  });
});

describe('linesByGroup (handoffs/read.ts)', () => {
  it('lists each group together in the order its first member was written down; a person alone is a block alone', () => {
    const lines = [
      { seq: 1, group: 'A' },
      { seq: 2, group: null },
      { seq: 3, group: 'B' },
      { seq: 4, group: 'A' },
      { seq: 5, group: 'B' },
    ];
    expect(linesByGroup(lines).map((b) => [b.group, b.lines.map((l) => l.seq)])).toEqual([
      ['A', [1, 4]],
      [null, [2]],
      ['B', [3, 5]],
    ]);
  });
});
