/**
 * Where patrons collect items, as their pages and their mail name it: one reading of the
 * library's settings.pickupLocations for both.
 */
import { pickupPlaceAsNamed, pickupPlaceByCode, pickupPlacesOf } from '../../../../src/services/directory/pickup-locations';

const SCI = { code: 'SCI', name: 'Science Library, ground floor', address: 'Universitetsparken 1', email: 'sci-desk@example.org' };

describe("a library's pickup locations", () => {
  it('are listed in the library order with code, name and address, never the desk staff address', () => {
    const places = pickupPlacesOf({ pickupLocations: [SCI, { code: 'MAIN', name: '  Main desk ' }] });
    expect(places).toEqual([{ code: 'SCI', name: 'Science Library, ground floor', address: 'Universitetsparken 1' }, { code: 'MAIN', name: 'Main desk' }]);
    expect(JSON.stringify(places)).not.toContain('sci-desk');
  });

  it('are none when the library lists none', () => {
    expect(pickupPlacesOf({})).toEqual([]);
    expect(pickupPlacesOf(undefined)).toEqual([]);
  });

  it('are none when a list stored by hand does not validate: no entry is guessed at', () => {
    expect(pickupPlacesOf({ pickupLocations: [SCI, { code: 'MAIN' }] })).toEqual([]);
    expect(pickupPlacesOf({ pickupLocations: [SCI, { ...SCI, code: 'sci' }] })).toEqual([]);
    expect(pickupPlacesOf({ pickupLocations: 'SCI' })).toEqual([]);
  });

  it('are found by code without regard to case or surrounding blanks; a code the library does not list finds none', () => {
    const places = pickupPlacesOf({ pickupLocations: [SCI] });
    expect(pickupPlaceByCode(places, ' sci ')?.name).toBe('Science Library, ground floor');
    expect(pickupPlaceByCode(places, 'LAW')).toBeUndefined();
  });

  it('are named as configured where a request gives a listed code, and as the request wrote it otherwise', () => {
    const places = pickupPlacesOf({ pickupLocations: [SCI] });
    expect(pickupPlaceAsNamed(places, 'sci')).toEqual(places[0]);
    expect(pickupPlaceAsNamed(places, 'Front desk, 2nd floor')).toEqual({ code: 'Front desk, 2nd floor', name: 'Front desk, 2nd floor' });
  });
});
