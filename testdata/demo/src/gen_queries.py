#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Génère testdata/relevance/queries.jsonl à partir de notes.jsonl.

Chaque requête est écrite à la main avec sa règle de jugement :
  e : titres de notes (terme/organisation) qui sont LA réponse (note 2) ;
  t : expressions régulières que le TITRE doit toutes contenir pour valoir 2 ;
  b : expressions régulières que le texte complet (titre, résumé, corps, termes,
      organisations) doit toutes contenir pour valoir 1 (par défaut : t).
Le texte est normalisé (minuscules, sans accents, ’ -> ') avant comparaison.
Seules les notes publiques sont jugées ; au plus 8 jugements par requête.
Usage : python3 testdata/demo/src/gen_queries.py [--show]
"""
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(HERE, "..", "notes.jsonl")
OUT = os.path.join(HERE, "..", "..", "relevance", "queries.jsonl")


def norm(s):
    s = unicodedata.normalize("NFD", s.replace("’", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


Q = [
    # --- termes du lexique
    dict(q="économie sociale", k="term", e=["Économie sociale"], t=[r"economie sociale"]),
    dict(q="tiers-lieu", k="term", e=["Tiers-lieu"], b=[r"tiers-lieu"]),
    dict(q="fiducie d'utilité sociale", k="elision", e=["Fiducie d’utilité sociale"], b=[r"fiducie d'utilite sociale"]),
    dict(q="littératie numérique", k="term", e=["Littératie numérique"], t=[r"litteratie numerique"]),
    dict(q="souveraineté numérique", k="term", e=["Souveraineté numérique"], t=[r"souverainete numerique"]),
    dict(q="gouvernance partagée", k="term", e=["Gouvernance partagée"], t=[r"gouvernance partagee"]),
    dict(q="théorie du changement", k="term", e=["Théorie du changement"], t=[r"theorie du changement"]),
    dict(q="philanthropie de confiance", k="term", e=["Philanthropie de confiance"], t=[r"philanthropie de confiance"]),
    dict(q="financement à la mission", k="term", e=["Financement à la mission"], t=[r"financement a la mission"]),
    dict(q="éducation populaire", k="term", e=["Éducation populaire"], t=[r"education populaire"]),
    dict(q="pouvoir d'agir", k="elision", e=["Pouvoir d’agir"], t=[r"pouvoir d'agir"]),
    dict(q="budget participatif", k="term", e=["Budget participatif"], t=[r"budget participatif"]),
    dict(q="proche aidance", k="term", e=["Proche aidance"], t=[r"proche.? aid"]),
    dict(q="travail de milieu", k="term", e=["Travail de milieu"], t=[r"travail de milieu"], b=[r"travail de milieu|travailleur.euses de milieu"]),
    dict(q="médiation numérique", k="term", e=["Médiation numérique"], t=[r"mediation"], b=[r"mediation numerique"]),
    dict(q="économie circulaire", k="term", e=["Économie circulaire"], t=[r"economie circulaire"]),
    dict(q="circuit court", k="term", e=["Circuit court"], t=[r"circuits? courts?"]),
    dict(q="fracture numérique", k="term", e=["Fracture numérique"], t=[r"fracture numerique"]),
    dict(q="gentrification", k="term", e=["Gentrification"], t=[r"gentrification"]),
    dict(q="logement abordable", k="term", e=["Logement abordable"], t=[r"logement abordable"]),
    dict(q="intelligence collective", k="term", e=["Intelligence collective"], b=[r"intelligence collective"]),
    dict(q="co-construction", k="term", e=["Co-construction"], t=[r"co-construction"]),
    dict(q="innovation sociale", k="term", e=["Innovation sociale"], t=[r"innovation sociale"]),
    dict(q="impact collectif", k="term", e=["Impact collectif"], b=[r"impact collectif"]),
    dict(q="récit de pratique", k="term", e=["Récit de pratique"], b=[r"recits? de pratique"]),
    dict(q="design participatif", k="term", e=["Design participatif"], b=[r"design participatif"]),
    dict(q="entreprise d'insertion", k="elision", e=["Entreprise d’insertion"], t=[r"entreprise d'insertion"]),
    dict(q="données ouvertes", k="term", e=["Données ouvertes"], t=[r"donnees ouvertes"]),
    dict(q="communs numériques", k="term", e=["Communs numériques"], t=[r"communs numeriques"]),
    dict(q="logiciel libre", k="term", e=["Logiciel libre"], t=[r"logiciels? libres?"]),
    dict(q="conversation participative", k="phrase", e=["Conversation participative"], t=[r"conversation participative"]),
    dict(q="développement des communautés", k="term", e=["Développement des communautés"], b=[r"developpement des communautes"]),
    dict(q="autonomie alimentaire", k="term", e=["Autonomie alimentaire"], t=[r"autonomie alimentaire"]),
    dict(q="mobilisation des connaissances", k="term", e=["Mobilisation des connaissances"], b=[r"mobilisation des connaissances"]),
    # --- sans accents
    dict(q="economie sociale", k="accents", e=["Économie sociale"], t=[r"economie sociale"]),
    dict(q="securite alimentaire", k="accents", e=["Sécurité alimentaire"], t=[r"securite alimentaire"]),
    dict(q="securite alimentaire saguenay", k="accents", t=[r"securite alimentaire", r"saguenay|chicoutimi"], b=[r"securite alimentaire", r"saguenay|chicoutimi"], e=["Table de concertation en sécurité alimentaire du Saguenay"]),
    dict(q="litteratie numerique", k="accents", e=["Littératie numérique"], t=[r"litteratie numerique"]),
    dict(q="benevolat", k="accents", e=["Bénévolat"], t=[r"benevola"]),
    dict(q="evaluation d impact", k="accents", e=["Évaluation d’impact social"], t=[r"evaluation d'impact"]),
    dict(q="transition socio ecologique", k="accents", e=["Transition socio-écologique"], t=[r"transition socio-ecologique"]),
    dict(q="theorie du changement", k="accents", e=["Théorie du changement"], t=[r"theorie du changement"]),
    dict(q="cooperative de solidarite", k="accents", e=["Coopérative de solidarité"], t=[r"cooperative de solidarite"]),
    dict(q="education populaire", k="accents", e=["Éducation populaire"], t=[r"education populaire"]),
    dict(q="souverainete numerique", k="accents", e=["Souveraineté numérique"], t=[r"souverainete numerique"]),
    dict(q="donnees ouvertes municipales", k="accents", t=[r"donnees ouvertes municipales"], b=[r"donnees ouvertes", r"municipa"]),
    dict(q="reglements generaux", k="accents", t=[r"reglements generaux"]),
    dict(q="gouvernance des donnees", k="accents", e=["Gouvernance des données"], t=[r"gouvernance des donnees"]),
    dict(q="epicerie solidaire", k="accents", e=["Épicerie solidaire La Brouette"], t=[r"epicerie solidaire"]),
    # --- fautes de frappe
    dict(q="finacement", k="typo", e=["Financement à la mission"], t=[r"financement"]),
    dict(q="comunauté de pratique", k="typo", e=["Communauté de pratique (CdP)"], t=[r"communaute de pratique"]),
    dict(q="litteratie numerque", k="typo", e=["Littératie numérique"], t=[r"litteratie numerique"]),
    dict(q="souveraineter numerique", k="typo", e=["Souveraineté numérique"], t=[r"souverainete numerique"]),
    dict(q="gouvernace partagée", k="typo", e=["Gouvernance partagée"], t=[r"gouvernance partagee"]),
    dict(q="philantropie", k="typo", e=["Philanthropie de confiance"], t=[r"philanthropi"]),
    dict(q="cooperatve habitation", k="typo", t=[r"coop(erative)? d'habitation"], e=["Coopérative d’habitation Les Cormiers"]),
    dict(q="inteligence artificielle", k="typo", e=["Intelligence artificielle (IA)"], t=[r"intelligence artificielle|\bia\b|l'ia\b"]),
    dict(q="evalutation impact", k="typo", e=["Évaluation d’impact social"], t=[r"evaluation d'impact|impact social"]),
    dict(q="gentrifiction", k="typo", e=["Gentrification"], t=[r"gentrification"]),
    dict(q="benevols", k="typo", e=["Bénévolat"], t=[r"benevole"]),
    dict(q="tier lieu", k="typo", e=["Tiers-lieu"], t=[r"tiers-lieu"]),
    # --- pluriels / singuliers
    dict(q="tiers-lieux", k="plural", e=["Réseau québécois des tiers-lieux"], t=[r"tiers-lieux"]),
    dict(q="communautés de pratique", k="plural", e=["Communauté de pratique (CdP)"], t=[r"communautes? de pratique"]),
    dict(q="cuisine collective", k="plural", e=["Cuisines collectives Les Marmites"], t=[r"cuisines collectives"]),
    dict(q="jardin collectif", k="plural", e=["Jardins collectifs de Chicoutimi"], t=[r"jardins collectifs"]),
    dict(q="coopératives d'habitation", k="plural", t=[r"coop(erative)? d'habitation"], e=["Coopérative d’habitation Les Cormiers"]),
    dict(q="fondations", k="plural", t=[r"fondation"]),
    dict(q="rénoviction", k="plural", t=[r"renovictions"], b=[r"renoviction"]),
    dict(q="épiceries solidaires", k="plural", e=["Épicerie solidaire La Brouette"], t=[r"epicerie solidaire"]),
    dict(q="indicateur", k="plural", t=[r"indicateurs"]),
    dict(q="logiciels libres", k="plural", e=["Logiciel libre"], t=[r"logiciels? libres?|outils libres"]),
    # --- élisions
    dict(q="l'obnl", k="elision", e=["OBNL"], t=[r"\bobnl\b"]),
    dict(q="d’economie sociale", k="elision", e=["Économie sociale"], t=[r"economie sociale"]),
    dict(q="l'ia", k="elision", e=["Intelligence artificielle (IA)"], t=[r"\bia\b|intelligence artificielle"]),
    dict(q="l’éducation populaire", k="elision", e=["Éducation populaire"], t=[r"education populaire"]),
    dict(q="l'aga", k="elision", e=["Assemblée générale annuelle (AGA)"], t=[r"\baga\b"]),
    dict(q="d'habitation", k="elision", t=[r"d'habitation"], e=["Coopérative d’habitation Les Cormiers"]),
    # --- écriture inclusive
    dict(q="participantes", k="inclusive", t=[r"participant.es"]),
    dict(q="utilisatrices", k="inclusive", e=["Design participatif"], b=[r"utilisateur.ices"]),
    dict(q="intervenantes", k="inclusive", t=[r"intervenant.es"]),
    dict(q="administratrices", k="inclusive", t=[r"administrateur.trices"]),
    dict(q="citoyennes", k="inclusive", t=[r"citoyen.nes"]),
    dict(q="proches aidantes", k="inclusive", e=["Association des proches aidant·es de Drummond"], t=[r"proches aidant.es"]),
    dict(q="travailleurs de milieu", k="inclusive", e=["Travail de milieu"], b=[r"travailleur.euses de milieu"]),
    dict(q="employés", k="inclusive", t=[r"employe\.e\.s"]),
    dict(q="étudiants", k="inclusive", t=[r"etudiant.es"]),
    dict(q="aînés", k="inclusive", t=[r"aine.es"]),
    # --- organisations
    dict(q="centre d'action benevole", k="organisation", e=["Centre d’action bénévole de Rimouski"], b=[r"centre d'action benevole"]),
    dict(q="le grenier", k="organisation", e=["Coopérative de solidarité Le Grenier"], b=[r"le grenier"]),
    dict(q="libre-code", k="organisation", e=["Coopérative Libre-Code"], b=[r"libre-code"]),
    dict(q="la brouette", k="organisation", e=["Épicerie solidaire La Brouette"], b=[r"la brouette"]),
    dict(q="fondation des deux rives", k="organisation", e=["Fondation des Deux-Rives"], b=[r"deux-rives"]),
    dict(q="maison des familles rouyn", k="organisation", e=["Maison des familles de Rouyn-Noranda"], b=[r"maison des familles"]),
    dict(q="les marmites sherbrooke", k="organisation", e=["Cuisines collectives Les Marmites"], b=[r"les marmites"]),
    dict(q="collectif ia bien commun", k="organisation", e=["Collectif IA Bien commun"], b=[r"ia bien commun"]),
    dict(q="velo solidaire", k="organisation", e=["Vélo-Solidaire Sherbrooke"], b=[r"velo-solidaire"]),
    dict(q="terres communes", k="organisation", e=["Fiducie foncière Terres communes"], b=[r"terres communes"]),
    dict(q="le levain", k="organisation", e=["Groupe d’éducation populaire Le Levain"], b=[r"le levain"]),
    dict(q="réseau des tiers-lieux", k="organisation", e=["Réseau québécois des tiers-lieux"], b=[r"reseau quebecois des tiers-lieux"]),
    dict(q="observatoire evaluation", k="organisation", e=["Observatoire citoyen de l’évaluation"], b=[r"observatoire citoyen"]),
    dict(q="centre de femmes matane", k="organisation", e=["Centre de femmes L’Éclaircie"], b=[r"l'eclaircie"]),
    # --- acronymes
    dict(q="CdP", k="acronym", e=["Communauté de pratique (CdP)"], t=[r"\bcdp\b|communaute de pratique"]),
    dict(q="OBNL", k="acronym", e=["OBNL"], t=[r"\bobnl\b"]),
    dict(q="cpe", k="acronym", t=[r"\bcpe\b"]),
    dict(q="ciusss", k="acronym", t=[r"\bciusss\b"], b=[r"\bciusss\b"]),
    dict(q="clsc", k="acronym", t=[r"\bclsc\b"]),
    dict(q="AGA", k="acronym", e=["Assemblée générale annuelle (AGA)"], t=[r"\baga\b"]),
    dict(q="odd", k="acronym", e=["Objectifs de développement durable (ODD)"], t=[r"\bodd\b"]),
    dict(q="gafam", k="acronym", t=[r"\bgafam\b"]),
    dict(q="osbl", k="acronym", e=["OBNL"], b=[r"\bosbl\b"]),
    dict(q="role du ca", k="acronym", e=["Conseil d’administration (CA)"], t=[r"\bca\b"]),
    dict(q="rh", k="acronym", t=[r"\brh\b"]),
    dict(q="tiess", k="acronym", b=[r"\btiess\b"], e=["Économie sociale"]),
    # --- synonymes / expansions
    dict(q="organisme sans but lucratif", k="synonym", e=["OBNL"], t=[r"\bobnl\b"]),
    dict(q="intelligence artificielle", k="synonym", e=["Intelligence artificielle (IA)"], t=[r"\bia\b|intelligence artificielle"]),
    dict(q="assemblée générale annuelle", k="synonym", e=["Assemblée générale annuelle (AGA)"], t=[r"\baga\b"]),
    dict(q="conseil d'administration", k="synonym", e=["Conseil d’administration (CA)"], t=[r"\bca\b"]),
    dict(q="objectifs de developpement durable", k="synonym", e=["Objectifs de développement durable (ODD)"], t=[r"\bodd\b"]),
    dict(q="ressources humaines", k="synonym", t=[r"\brh\b"], b=[r"\brh\b|ressources humaines"]),
    dict(q="empowerment", k="synonym", e=["Pouvoir d’agir"], t=[r"pouvoir d'agir"]),
    dict(q="garderie", k="synonym", t=[r"\bcpe\b|halte-garderie"]),
    # --- lieux
    dict(q="trois rivieres", k="place", e=["Carrefour d’entraide de Trois-Rivières", "Épicerie solidaire La Brouette", "Fonds communautaire de la Mauricie"], t=[r"trois-rivieres"], b=[r"trois-rivieres"]),
    dict(q="benevolat rimouski", k="place", e=["Centre d’action bénévole de Rimouski"], t=[r"benevol", r"rimouski"], b=[r"benevol", r"rimouski"]),
    dict(q="val d'or", k="place", e=["Maison des jeunes L’Escale"], t=[r"val-d'or"], b=[r"val-d'or"]),
    dict(q="gaspesie", k="place", e=["Atelier numérique citoyen de Gaspé", "Marché solidaire de la Haute-Gaspésie"], t=[r"gaspe|sainte-anne-des-monts|new richmond"], b=[r"gaspesie"]),
    dict(q="abitibi", k="place", e=["Maison des familles de Rouyn-Noranda"], t=[r"rouyn|val-d'or|amos"], b=[r"abitibi"]),
    dict(q="saint jerome", k="place", e=["Coopérative de solidarité Le Grenier", "Friperie communautaire Le Tiroir"], t=[r"saint-jerome"], b=[r"saint-jerome"]),
    dict(q="logement sherbrooke", k="place", e=["Habitations solidaires du Vieux-Sherbrooke"], t=[r"logement|habitation|locataires|renoviction|juillet", r"sherbrooke"], b=[r"logement", r"sherbrooke"]),
    dict(q="iles de la madeleine", k="place", t=[r"iles-de-la-madeleine"]),
    dict(q="cuisines collectives sherbrooke", k="place", e=["Cuisines collectives Les Marmites"], t=[r"cuisine", r"sherbrooke"], b=[r"cuisines? collectives?", r"sherbrooke"]),
    dict(q="saguenay", k="place", e=["Table de concertation en sécurité alimentaire du Saguenay", "Cercle de gouvernance partagée du Saguenay"], t=[r"saguenay"], b=[r"saguenay"]),
    dict(q="rouyn-noranda", k="place", e=["Maison des familles de Rouyn-Noranda"], t=[r"rouyn-noranda"], b=[r"rouyn-noranda"]),
    dict(q="baie saint paul", k="place", e=["Tiers-lieu La Forge de Baie-Saint-Paul"], t=[r"baie-saint-paul"], b=[r"baie-saint-paul"]),
    # --- questions
    dict(q="comment financer un organisme", k="question", t=[r"comment financer un organisme"], b=[r"financement", r"obnl|organisme"]),
    dict(q="comment recruter des bénévoles", k="question", t=[r"recrut.* benevoles|benevoles.*recrut"], b=[r"recrut", r"benevole"]),
    dict(q="comment démarrer une coopérative", k="question", t=[r"demarrer une (cooperative|entreprise d'economie)|reprendre l'epicerie"], e=["Coopérative de solidarité"]),
    dict(q="c'est quoi un tiers-lieu", k="question", e=["Tiers-lieu"], b=[r"tiers-lieu"]),
    dict(q="pourquoi les cdp s'essoufflent", k="question", t=[r"s'essoufflent"], b=[r"s'essouffle"]),
    dict(q="comment préparer une aga", k="question", t=[r"\baga\b"], e=["Assemblée générale annuelle (AGA)"]),
    dict(q="comment sortir des gafam", k="question", t=[r"gafam|migrer vers des outils libres"], b=[r"gafam"]),
    dict(q="qu'est-ce que l'économie sociale", k="question", e=["Économie sociale"], b=[r"economie sociale"]),
    # --- expressions
    dict(q="crise du logement", k="phrase", t=[r"crise du logement"], b=[r"logement"], e=["Logement communautaire"]),
    dict(q="épicerie à prix modulé", k="phrase", t=[r"prix module"], b=[r"prix module"]),
    dict(q="décision par consentement", k="phrase", t=[r"par consentement"], b=[r"par consentement"]),
    dict(q="semaine de quatre jours", k="phrase", t=[r"semaine de quatre jours"]),
    dict(q="café-réparation", k="phrase", t=[r"cafe-reparation"]),
    dict(q="charte d'utilisation de l'ia", k="phrase", t=[r"charte d'utilisation"], b=[r"charte d'usage"]),
    dict(q="bibliothèque d'outils", k="phrase", t=[r"bibliotheque d'outils"]),
    # --- général
    dict(q="retention du personnel", k="general", t=[r"retention|roulement"], b=[r"roulement (du|de) personnel|retention"]),
    dict(q="itinérance", k="general", t=[r"itinerance"], b=[r"itinerance"]),
    dict(q="rapports allégés fondation", k="general", t=[r"rapports alleges"], e=["Philanthropie de confiance"]),
    dict(q="hackathon", k="general", t=[r"hackathon"]),
    dict(q="loi 25", k="general", t=[r"loi 25"], b=[r"loi 25"]),
    dict(q="église tiers-lieu", k="general", t=[r"eglise"], b=[r"eglise"]),
    dict(q="santé mentale jeunes", k="general", t=[r"sante mentale"]),
    dict(q="navettes solidaires", k="general", t=[r"navettes solidaires"], b=[r"navettes solidaires"]),
    dict(q="répit", k="general", t=[r"repit"], b=[r"repit"]),
    dict(q="arbre à problèmes", k="general", t=[r"arbre a problemes"], b=[r"arbre a problemes"]),
]


def main():
    notes = [json.loads(l) for l in open(NOTES, encoding="utf-8")]
    pub = [n for n in notes if n["visibility"] == "public"]
    by_title = {n["title"]: n for n in pub}
    full = {n["id"]: norm(" ".join([n["title"], n["summary"], n["body"]] + n["terms"] + n["organisations"])) for n in pub}
    out = []
    show = "--show" in sys.argv
    for spec in Q:
        t = spec.get("t", [])
        b = spec.get("b", t)
        two = [by_title[x]["id"] for x in spec.get("e", [])]
        if t:
            cands = [n for n in pub if all(re.search(p, norm(n["title"])) for p in t) and n["id"] not in two]
            cands.sort(key=lambda n: (-len(re.findall(t[0], full[n["id"]])), n["published_at"]))
            two += [n["id"] for n in cands][: max(0, 8 - len(two))]
        one = []
        if b:
            cands = [n for n in pub if n["id"] not in two and all(re.search(p, full[n["id"]]) for p in b)]
            cands.sort(key=lambda n: (-len(re.findall(b[0], full[n["id"]])), n["published_at"]))
            one = [n["id"] for n in cands][: max(0, 8 - len(two))]
        if not two:
            print("PAS DE RÉPONSE (2) :", spec["q"], file=sys.stderr)
            continue
        j = {i: 2 for i in two}
        j.update({i: 1 for i in one})
        out.append({"q": spec["q"], "judgments": j, "kind": spec["k"]})
        if show:
            ttl = {n["id"]: n["title"] for n in pub}
            print(f"\n## {spec['q']}  [{spec['k']}]")
            for i, g in j.items():
                print(f"  {g} {ttl[i]}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for q in out:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{len(out)} requêtes -> {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
