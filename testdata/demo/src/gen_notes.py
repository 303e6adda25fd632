#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Génère testdata/demo/notes.jsonl de façon déterministe (stdlib seulement).

Usage : python3 testdata/demo/src/gen_notes.py
"""
import datetime as dt
import hashlib
import json
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lexique import TERMES  # noqa: E402
from organismes import ORGS, PUBLICS  # noqa: E402
from sujets import SUJETS  # noqa: E402
from restreintes import RESTREINTES  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "notes.jsonl")
rng = random.Random(20250423)

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def make_id(key):
    n = int.from_bytes(hashlib.sha256(("trouvaille-demo/" + key).encode()).digest(), "big")
    s = ""
    while len(s) < 27:
        n, r = divmod(n, 62)
        s += B62[r]
    return s


PRENOMS = ["Émilie", "Jean-François", "Marie-Ève", "Mathieu", "Geneviève", "Étienne", "Sophie", "Luc", "Josée", "François",
           "Mélanie", "Sébastien", "Isabelle", "Marc-André", "Valérie", "Benoît", "Chantal", "Alexandre", "Nathalie", "Frédéric",
           "Annie", "Simon", "Caroline", "Patrice", "Julie", "Olivier", "Karine", "Maxime", "Stéphanie", "Guillaume",
           "Andrée-Anne", "Jérôme", "Catherine", "Rémi", "Noémie", "Hugues", "Aurélie", "Pierre-Luc", "Marie-Claude", "Vincent",
           "Léa", "Raphaël", "Camille", "Gabriel", "Rosalie", "Samuel", "Maude", "Yannick", "Ariane", "Félix",
           "Hélène", "Denis", "Myriam", "Kevin", "Joëlle", "Réjean", "Élise", "Thierry", "Amélie", "Louis-Philippe",
           "Sarah", "Mohamed", "Fatima", "Nguyen", "Carmen", "Ousmane", "Inès", "Diego", "Laurence", "Charles-Étienne",
           "Gisèle", "Ghislain", "Marjolaine", "Lucie", "Jacinthe", "Anne-Sophie", "Yves", "Brigitte", "Zoé", "Éric"]
NOMS = ["Tremblay", "Gagnon", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné", "Ouellet",
        "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette", "Girard", "Simard", "Boucher", "Caron",
        "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier", "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault",
        "St-Pierre", "Nadeau", "Martin", "Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier", "Richard",
        "Michaud", "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais", "Gosselin", "Savard",
        "Proulx", "Beaudoin", "Demers", "Perron", "Boudreau", "Vachon", "Larose", "Drouin", "Thériault", "Mercier",
        "Benali", "Haddad", "Tran", "Rodríguez", "Diallo", "Charbonneau", "Dufour", "Vaillancourt", "Ménard", "Rousseau",
        "Guay", "Brassard", "Harvey", "Labrecque", "Duchesne", "Ferland", "Chiasson", "Arsenault", "Cyr", "Jalbert"]
AUTEURS = [f"{p} {n}" for p, n in zip(PRENOMS, NOMS)]
CURATEURS = AUTEURS[:6] + ["Zoé Drujon", "Équipe Praxis"]

LIEUX = ["Saguenay", "Chicoutimi", "Gaspé", "Rouyn-Noranda", "Val-d’Or", "Amos", "Trois-Rivières", "Saint-Jérôme",
         "Montréal", "Québec", "Sherbrooke", "Rimouski", "Baie-Comeau", "Sept-Îles", "Saint-Hyacinthe", "Drummondville",
         "Gatineau", "Laval", "Longueuil", "Joliette", "Victoriaville", "Matane", "Alma", "Sainte-Anne-des-Monts",
         "Baie-Saint-Paul", "Rivière-du-Loup", "Shawinigan", "Granby", "Lévis", "Thetford Mines", "New Richmond",
         "Îles-de-la-Madeleine"]
REGION = {"Saguenay": "Saguenay–Lac-Saint-Jean", "Chicoutimi": "Saguenay–Lac-Saint-Jean", "Alma": "Saguenay–Lac-Saint-Jean",
          "Gaspé": "Gaspésie", "Sainte-Anne-des-Monts": "Gaspésie", "New Richmond": "Gaspésie", "Îles-de-la-Madeleine": "Gaspésie–Îles-de-la-Madeleine",
          "Rouyn-Noranda": "Abitibi-Témiscamingue", "Val-d’Or": "Abitibi-Témiscamingue", "Amos": "Abitibi-Témiscamingue",
          "Trois-Rivières": "Mauricie", "Shawinigan": "Mauricie", "Saint-Jérôme": "Laurentides", "Montréal": "Montréal",
          "Québec": "Capitale-Nationale", "Baie-Saint-Paul": "Charlevoix", "Sherbrooke": "Estrie", "Granby": "Estrie",
          "Rimouski": "Bas-Saint-Laurent", "Matane": "Bas-Saint-Laurent", "Rivière-du-Loup": "Bas-Saint-Laurent",
          "Baie-Comeau": "Côte-Nord", "Sept-Îles": "Côte-Nord", "Saint-Hyacinthe": "Montérégie", "Longueuil": "Montérégie",
          "Drummondville": "Centre-du-Québec", "Victoriaville": "Centre-du-Québec", "Gatineau": "Outaouais", "Laval": "Laval",
          "Joliette": "Lanaudière", "Lévis": "Chaudière-Appalaches", "Thetford Mines": "Chaudière-Appalaches"}

CARNETS = {
    "Quel numérique pour nos organismes ?": ["Bloc 1 — Constats", "Bloc 2 — Pistes d’action", "Bloc 3 — Ressources"],
    "Nourrir nos quartiers : chantier sécurité alimentaire": ["Bloc 1 — Portrait", "Bloc 2 — Initiatives inspirantes", "Bloc 3 — Recommandations"],
    "Se loger dignement : carnet logement": ["Bloc 1 — Enjeux", "Bloc 2 — Modèles", "Bloc 3 — Plaidoyer", "Bloc 4 — Outils"],
    "L’économie sociale en régions": ["Bloc 1 — Portraits régionaux", "Bloc 2 — Financement", "Bloc 3 — Démarrage"],
    "Financer autrement le communautaire": ["Bloc 1 — Philanthropie", "Bloc 2 — Fonds publics", "Bloc 3 — Revenus autonomes"],
    "Gouverner ensemble": ["Bloc 1 — Conseil d’administration", "Bloc 2 — Gouvernance partagée", "Bloc 3 — Vie associative"],
    "Participation citoyenne : du local au national": ["Bloc 1 — Démarches", "Bloc 2 — Outils", "Bloc 3 — Leçons apprises"],
    "Apprendre en communauté de pratique": ["Bloc 1 — Démarrer une CdP", "Bloc 2 — Animer", "Bloc 3 — Partager les savoirs"],
    "Mesurer ce qui compte": ["Bloc 1 — Cadres d’évaluation", "Bloc 2 — Indicateurs", "Bloc 3 — Études de cas"],
    "Bénévoles d’aujourd’hui": ["Bloc 1 — Recrutement", "Bloc 2 — Fidélisation", "Bloc 3 — Reconnaissance"],
    "Transition socio-écologique en action": ["Bloc 1 — Constats", "Bloc 2 — Projets", "Bloc 3 — Alliances", "Bloc 4 — Ressources"],
    "Santé, services sociaux et milieu communautaire": ["Bloc 1 — Partenariats", "Bloc 2 — Pratiques d’intervention"],
    "Travailler dans le communautaire": ["Bloc 1 — Conditions de travail", "Bloc 2 — Rétention", "Bloc 3 — Relève"],
    "Tiers-lieux et vitalité des régions": ["Bloc 1 — Inventaire", "Bloc 2 — Modèles d’affaires", "Bloc 3 — Récits"],
    "IA et données au service du bien commun": ["Bloc 1 — Enjeux éthiques", "Bloc 2 — Cas d’usage", "Bloc 3 — Gouvernance des données"],
    "Éducation populaire et pouvoir d’agir": ["Bloc 1 — Fondements", "Bloc 2 — Animations"],
    "Quel avenir pour le milieu communautaire en 2030 ?": ["Bloc 1 — Tendances", "Bloc 2 — Scénarios", "Bloc 3 — Engagements", "Bloc 4 — Annexes", "Bloc 5 — Suivi"],
}
TRANSVERSAL = "Quel avenir pour le milieu communautaire en 2030 ?"

COMMUNAUTES = {
    "numerique": "Communauté Numérique et données", "litteratie": "Communauté Numérique et données",
    "ia": "Communauté Numérique et données", "donnees": "Communauté Numérique et données",
    "alimentaire": "Réseau des praticien·nes en sécurité alimentaire", "transition": "Réseau des praticien·nes en sécurité alimentaire",
    "ecosoc": "Cercle économie sociale et financement", "philanthropie": "Cercle économie sociale et financement",
    "financement": "Cercle économie sociale et financement", "logement": "Cercle économie sociale et financement",
    "evaluation": "Communauté d’apprentissage en évaluation", "cdp": "Communauté d’apprentissage en évaluation",
    "tierslieux": "Collectif des tiers-lieux",
    "gouvernance": "Réseau participation et gouvernance", "participation": "Réseau participation et gouvernance",
    "educpop": "Réseau participation et gouvernance", "rh": "Réseau participation et gouvernance",
    "benevolat": "Réseau participation et gouvernance", "sante": "Réseau participation et gouvernance",
    "famille": "Réseau participation et gouvernance",
}
LEXIQUE_COMMUNAUTE = "Lexique En commun"

EVENEMENTS = [("l’atelier", ""), ("la rencontre régionale", "e"), ("la conversation participative", "e"),
              ("le webinaire", ""), ("la journée de réflexion", "e"), ("le café citoyen", ""), ("le forum", ""),
              ("la rencontre de la communauté de pratique", "e")]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]

EMO_CONSTAT = ["🗣", "🔎", "🧱", "📊", "⚠️"]
EMO_PISTE = ["🚀", "💡", "🛠", "🌱", "✅"]
EMO_RESUME = ["📝", "📌", "🧭"]


PREP = {"Montréal": "à", "Laval": "à", "Gaspésie": "en", "Gaspésie–Îles-de-la-Madeleine": "en", "Estrie": "en",
        "Mauricie": "en", "Outaouais": "en", "Montérégie": "en", "Lanaudière": "dans", "Abitibi-Témiscamingue": "en",
        "Chaudière-Appalaches": "en", "Laurentides": "dans les", "Charlevoix": "dans", "Côte-Nord": "sur la",
        "Capitale-Nationale": "dans la", "Saguenay–Lac-Saint-Jean": "au", "Bas-Saint-Laurent": "au",
        "Centre-du-Québec": "au"}


def dans(r):
    """Préposition + nom de région : « en Mauricie », « au Bas-Saint-Laurent »."""
    return f"{PREP.get(r, 'à')} {r}"


def date_fr(d):
    jour = "1er" if d.day == 1 else str(d.day)
    return f"{jour} {MOIS[d.month - 1]} {d.year}"


def rand_date():
    start = dt.datetime(2019, 1, 15, tzinfo=dt.timezone.utc)
    end = dt.datetime(2026, 2, 20, tzinfo=dt.timezone.utc)
    span = int((end - start).total_seconds() // 3600)
    return start + dt.timedelta(hours=rng.randrange(span))


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def updated(pub):
    if rng.random() < 0.3:
        return pub
    up = pub + dt.timedelta(days=rng.randrange(1, 420), minutes=rng.randrange(0, 600))
    cap = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    return min(up, cap)


def low1(s):
    return s[0].lower() + s[1:]


def bullets(items, numbered=False):
    if numbered:
        return "\n".join(f"{i}. {x}" for i, x in enumerate(items, 1))
    return "\n".join(f"- {x}" for x in items)


# ---------------------------------------------------------------- notes

def intro(s, lieu, org, d):
    ev, e = rng.choice(EVENEMENTS)
    dev = "du " + ev[3:] if ev.startswith("le ") else "de " + ev
    r = REGION.get(lieu, lieu)
    opts = [
        f"Cette note synthétise les échanges des participant·es {dev} sur {s['label']}, tenu{e} à {lieu} le {date_fr(d)}.",
        f"Le {date_fr(d)}, une trentaine de personnes se sont réunies à {lieu} pour {ev} consacré{e} à {s['label']}.",
        f"À {lieu} ({r}), plusieurs organismes se questionnent sur {s['label']}. Voici ce qui est ressorti de {dev} du {date_fr(d)}.",
        f"Note rédigée à la suite {dev} organisé{e} {dans(r)} autour de {s['label']}.",
        f"Dans la région de {lieu}, {s['label']} est devenu un sujet incontournable pour les OBNL et leurs partenaires.",
    ]
    t = rng.choice(opts)
    if org:
        t += rng.choice([f" L'initiative était portée par l'équipe de {org}.", f" L’animation était assurée par l'équipe de {org}.",
                         f" Merci à l’équipe de {org} pour l'accueil.", f" En collaboration avec l'équipe de {org}."])
    return t


def build_body(s, fmt, lieu, org, d):
    C = rng.sample(s["constats"], k=rng.randint(3, 5))
    P = rng.sample(s["pistes"], k=rng.randint(3, 5))
    Q = rng.choice(s["citations"])
    parts = []
    if fmt == "synthese":
        parts.append(intro(s, lieu, org, d))
        parts.append(f"{rng.choice(EMO_RESUME)} En résumé\n\n{C[0]} Les participant·es proposent surtout de {low1(P[0]).rstrip('.')}.")
        parts.append(f"{rng.choice(EMO_CONSTAT)} Synthèse des échanges\n\n" + bullets(C[1:]))
        parts.append(f"« {Q} »")
        parts.append(f"{rng.choice(EMO_PISTE)} Passer à l'action\n\n" + bullets(P))
        if rng.random() < 0.5:
            rest = [x for x in s["constats"] if x not in C] + [x for x in s["pistes"] if x not in P]
            parts.append("🔭 Pour aller plus loin\n\n" + " ".join(rest[:3]) +
                         f" La discussion se poursuivra dans la communauté ; les personnes de {lieu} et d'ailleurs sont invitées à partager leurs outils.")
    elif fmt == "fiche":
        parts.append(f"**Fiche pratique** — {s['label'].capitalize()}")
        parts.append("## Pourquoi c'est important\n\n" + " ".join(C[:2]))
        parts.append("## Étapes proposées\n\n" + bullets(P, numbered=True))
        parts.append(f"## À retenir\n\n💡 {C[-1]}")
        if org:
            parts.append(f"Fiche inspirée du travail de l'équipe de {org} à {lieu}.")
    elif fmt == "retour":
        parts.append("## Contexte\n\n" + intro(s, lieu, org, d))
        parts.append("## Ce qui a fonctionné\n\n" + bullets(P[:3]))
        parts.append("## Difficultés rencontrées\n\n" + bullets(C[:3]))
        parts.append(f"## 💡 Conseils pour la suite\n\n{P[-1]} Comme le résume une participante : « {Q} »")
    elif fmt == "rapport":
        a, b = rng.randint(1, 4), rng.randint(1, 6)
        parts.append(intro(s, lieu, org, d))
        parts.append(f"### {a}.{b}.1. Constats\n\n" + bullets(C))
        parts.append(f"### {a}.{b}.2. Pistes d’action\n\n" + bullets(P[:-1]))
        parts.append(f"### {a}.{b}.3. Recommandation prioritaire\n\n{P[-1]}")
        if rng.random() < 0.6:
            parts.append(f"### {a}.{b}.4. Témoignage\n\n« {Q} »\n\n" + " ".join(x for x in s["constats"] if x not in C))
    elif fmt == "question":
        parts.append(f"❓ Question directrice\n\nComment les organismes de {lieu} peuvent-ils mieux agir sur {s['label']} ?")
        parts.append("🗣 Ce qu'on a entendu\n\n" + bullets(C[:4]))
        parts.append(f"« {Q} »")
        parts.append("💡 Pistes\n\n" + bullets(P[:4]))
    else:  # court
        parts.append(f"{C[0]} {C[1]} {C[2]}")
        parts.append("À essayer :\n\n" + bullets(P[:3]))
        parts.append(f"« {Q} »")
    if rng.random() < 0.25:
        parts.append(rng.choice([
            "Tous·tes sont invité·es à bonifier cette note avec leurs propres expériences.",
            "Merci à tous·tes les contributeur·trices de cette synthèse !",
            "N'hésitez pas à commenter : cette note est vivante et sera mise à jour.",
            "🧰 Ressources supplémentaires : voir les notes liées et les termes du lexique.",
        ]))
    return "\n\n".join(parts)


EXTRA_TITRES = {
    "numerique": ["Les OBNL et l'infonuagique : choisir un fournisseur"],
    "litteratie": ["Club d'entraide numérique à {lieu}"],
    "ia": ["Traduire ses dépliants avec l'IA : prudence et bonnes pratiques"],
    "donnees": ["Tableau de bord régional des besoins sociaux à {lieu}"],
    "alimentaire": ["Frigo partagé dans un organisme : mode d'emploi"],
    "logement": ["Comité de locataires à {lieu} : se mobiliser contre les hausses"],
    "ecosoc": ["Coopérative de travail dans le secteur culturel"],
    "philanthropie": ["Dons planifiés et legs testamentaires aux organismes"],
    "financement": ["Financement participatif pour un projet de quartier"],
    "gouvernance": ["Code d'éthique des administrateur·trices"],
    "participation": ["Marche exploratoire dans le quartier à {lieu}"],
    "cdp": ["Mesurer la vitalité d'une communauté de pratique"],
    "evaluation": ["Questionnaire avant-après : pièges à éviter"],
    "benevolat": ["Bénévolat en famille : une porte d'entrée à {lieu}"],
    "transition": ["Friperie et ressourcerie : donner une seconde vie aux objets"],
    "sante": ["Comité de liaison entre le CLSC et les organismes : un an plus tard"],
    "educpop": ["Journal de quartier rédigé par les participant·es"],
    "rh": ["Télétravail et cohésion d'équipe dans un OBNL"],
    "tierslieux": ["Presbytère reconverti en tiers-lieu à {lieu}"],
    "famille": ["Cuisine parents-enfants : un atelier qui rassemble"],
}

FORMATS = ["synthese"] * 5 + ["fiche"] * 3 + ["retour"] * 3 + ["rapport"] * 3 + ["question"] * 2 + ["court"] * 2


def curly(s, on):
    return s.replace("'", "’") if on else s


def nfc(s):
    return unicodedata.normalize("NFC", s)


def main():
    notes = []
    org_titres = [o[0] for o in ORGS]
    org_lieu = {o[0]: o[1] for o in ORGS}
    terme_titres = [t[0] for t in TERMES]
    all_orgs = org_titres + PUBLICS

    # --- termes
    for i, (titre, resume, corps) in enumerate(TERMES):
        pub = rand_date()
        n = dict(id=make_id("terme/" + titre), type="terme", title=titre, summary=resume, body=corps,
                 authors=rng.sample(AUTEURS, k=rng.randint(1, 2)), curator=rng.choice(CURATEURS),
                 organisations=[], terms=[], carnets=[], community=LEXIQUE_COMMUNAUTE, links=[],
                 published_at=iso(pub), updated_at=iso(updated(pub)), visibility="public")
        notes.append(n)

    # --- organisations
    for i, (titre, lieu, forme, mission, acts) in enumerate(ORGS):
        pub = rand_date()
        r = REGION.get(lieu, lieu)
        acts = list(acts)
        rng.shuffle(acts)
        v = i % 3
        if v == 0:
            body = (f"## Mission\n\nL'organisation {titre} est un {forme} situé à {lieu} ({r}). Sa mission : {mission}.\n\n"
                    f"## Activités\n\n{bullets([a[0].upper() + a[1:] for a in acts])}\n\n"
                    f"## Territoire\n\nL'organisation intervient principalement {dans(r)}.")
        elif v == 1:
            body = (f"📍 {lieu}, {r}\n\n**Forme juridique :** {forme}\n\n"
                    f"{titre} a pour mission de {mission}. Ses principales activités sont : {', '.join(acts[:-1])} et {acts[-1]}.\n\n"
                    f"🤝 L’organisation collabore avec les organismes communautaires, la MRC et le CLSC de son territoire.")
        else:
            body = (f"Fondée en {rng.randint(1978, 2019)}, l'organisation {titre} ({forme}) œuvre à {lieu}.\n\n"
                    f"### Ce que fait l'organisation\n\n{mission[0].upper() + mission[1:]}.\n\n"
                    f"{bullets(acts)}\n\n### Pour joindre l’équipe\n\nVoir le profil Passerelles de l'organisation.")
        tt = []
        if "coopérative" in forme:
            tt.append("Coopérative de solidarité" if "solidarité" in forme else "Économie sociale")
        if forme in ("OBNL", "OBNL d'habitation"):
            tt.append("OBNL")
        if "fiducie" in forme:
            tt.append("Fiducie d’utilité sociale")
        if "insertion" in forme:
            tt.append("Entreprise d’insertion")
        if "fondation" in forme:
            tt.append("Philanthropie de confiance")
        n = dict(id=make_id("org/" + titre), type="organisation", title=titre,
                 summary=f"{forme[0].upper() + forme[1:]} de {lieu} : {mission}.", body=body,
                 authors=rng.sample(AUTEURS, k=rng.randint(1, 2)), curator=rng.choice(CURATEURS),
                 organisations=[titre], terms=tt, carnets=[], community="", links=[],
                 published_at=iso(pub), updated_at=iso(updated(pub)), visibility="public")
        notes.append(n)

    # --- notes par sujet
    sujet_notes = {}
    used_titles = set()
    for s in SUJETS:
        sujet_notes[s["cle"]] = []
        jobs = []
        for t in s["titres"] + EXTRA_TITRES.get(s["cle"], []):
            jobs.append(t)
            if "{lieu}" in t:
                jobs.append(t)
        for t in jobs:
            orgs_c = [o for o in s["orgs"]]
            org = rng.choice(orgs_c) if rng.random() < 0.6 else ""
            lieu = org_lieu.get(org) if org in org_lieu and rng.random() < 0.6 else rng.choice(LIEUX)
            title = t.format(lieu=lieu)
            while title in used_titles:
                lieu = rng.choice(LIEUX)
                title = t.format(lieu=lieu)
            used_titles.add(title)
            pub = rand_date()
            fmt = rng.choice(FORMATS)
            body = build_body(s, fmt, lieu, org, pub)
            P = rng.choice(s["pistes"])
            summ = rng.choice([
                f"Synthèse sur {s['label']} à {lieu}.",
                f"{s['label'].capitalize()} : constats et pistes d’action issus du terrain ({REGION.get(lieu, lieu)}).",
                f"Retour d'expérience et recommandations. Piste clé : {low1(P)}",
                f"Ce que les organismes de {lieu} retiennent sur {s['label']}.",
            ])
            on = rng.random() < 0.45
            orgs_n = []
            if org:
                orgs_n.append(org)
            for o in rng.sample(all_orgs, k=rng.choice([0, 0, 1, 1, 2])):
                if o not in orgs_n and (o in s["orgs"] or (o in PUBLICS and rng.random() < 0.5)):
                    orgs_n.append(o)
            orgs_n = orgs_n[:4]
            terms = rng.sample(s["termes"], k=rng.randint(1, min(4, len(s["termes"]))))
            rng.random()  # (conserve la séquence aléatoire)
            carnets = []
            if rng.random() < 0.75:
                carnets.append({"title": s["carnet"], "bloc": rng.choice(CARNETS[s["carnet"]])})
            if rng.random() < 0.12:
                carnets.append({"title": TRANSVERSAL, "bloc": rng.choice(CARNETS[TRANSVERSAL])})
            n = dict(id=make_id("note/" + title), type="note", title=curly(title, on), summary=curly(summ, on),
                     body=curly(body, on), authors=rng.sample(AUTEURS, k=rng.choice([1, 1, 2, 2, 3])),
                     curator=rng.choice(CURATEURS) if rng.random() < 0.85 else "",
                     organisations=orgs_n, terms=terms, carnets=carnets,
                     community=COMMUNAUTES[s["cle"]] if rng.random() < 0.7 else "", links=[],
                     published_at=iso(pub), updated_at=iso(updated(pub)), visibility="public")
            n["_sujet"] = s["cle"]
            notes.append(n)
            sujet_notes[s["cle"]].append(n)

    # --- notes restreintes
    by_cle = {s["cle"]: s for s in SUJETS}
    for vis, mot, titre, corps, cle in RESTREINTES:
        s = by_cle[cle]
        pub = rand_date()
        n = dict(id=make_id("restreinte/" + titre), type="note", title=titre,
                 summary=f"Document {'confidentiel' if vis == 'private' else 'réservé à la communauté'} ({mot}).",
                 body=corps, authors=rng.sample(AUTEURS, k=rng.randint(1, 2)), curator="",
                 organisations=[rng.choice(s["orgs"])] if rng.random() < 0.5 else [],
                 terms=[rng.choice(s["termes"])], carnets=[], community=COMMUNAUTES[cle],
                 links=[x["id"] for x in rng.sample(sujet_notes[cle], k=2)],
                 published_at=iso(pub), updated_at=iso(updated(pub)), visibility=vis)
        notes.append(n)

    # --- liens (publics vers publics seulement)
    terme_id = {n["title"]: n["id"] for n in notes if n["type"] == "terme"}
    org_id = {n["title"]: n["id"] for n in notes if n["type"] == "organisation"}
    for n in notes:
        if n["visibility"] != "public":
            continue
        cand = []
        if n["type"] == "note":
            cand += [x["id"] for x in rng.sample(sujet_notes[n["_sujet"]], k=2) if x["id"] != n["id"]]
            cand += [terme_id[t] for t in n["terms"][:1]]
            cand += [org_id[o] for o in n["organisations"][:1] if o in org_id]
        elif n["type"] == "terme":
            cand += [terme_id[t] for t in rng.sample(terme_titres, k=2) if t != n["title"]]
        else:
            cand += [x["id"] for x in notes if x["type"] == "note" and n["title"] in x["organisations"]][:3]
        k = rng.randint(0, min(4, len(cand)))
        n["links"] = list(dict.fromkeys(cand[:k]))

    for n in notes:
        for f in ("title", "summary", "body"):
            n[f] = n[f].replace("à Îles-", "aux Îles-").replace("de Îles-", "des Îles-")
        n.pop("_sujet", None)
        n["url"] = f"https://praxis.encommun.io/n/{n['id']}"
        for f in ("title", "summary", "body", "curator", "community"):
            n[f] = nfc(n[f])
        n["authors"] = [nfc(a) for a in n["authors"]]
        n["organisations"] = [nfc(a) for a in n["organisations"]]
        n["terms"] = [nfc(a) for a in n["terms"]]
        n["carnets"] = [{"title": nfc(c["title"]), "bloc": nfc(c["bloc"])} for c in n["carnets"]]

    # ordre stable mais mélangé
    rng.shuffle(notes)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    print(f"{len(notes)} notes -> {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
