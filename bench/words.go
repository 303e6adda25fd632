package bench

import "strings"

// Hand-written French word lists used to build the generator's vocabulary.
// They cover the Praxis domains: community sector, social economy, housing,
// food security, digital, governance and Québec places. Lists are split by
// part of speech so that simple inflections (plural, feminine, conjugations)
// can be derived, which exercises the engines' stemmers.

// functionWords are the most frequent words of any French text; they head
// the Zipf ranking. Elidable ones (le, la, de, que...) are elided before a
// vowel by the generator.
var functionWords = strings.Fields(`de la le les des et à du en un une pour dans
sur avec par que qui est sont au aux ce cette ces son sa ses leur leurs plus
pas ne se il elle ils elles nous on y être avoir comme mais ou où aussi
tout tous toutes entre sans sous selon afin lors dont même chez vers
déjà encore ainsi notamment très bien peu souvent toujours parfois`)

// nouns are singular common nouns; the generator also emits their plural.
var nouns = strings.Fields(`organisme communauté action projet milieu
quartier logement habitation coopérative citoyen participation concertation
démarche table réseau partenaire partenariat financement subvention bailleur
bénévole bénévolat intervenant intervention accompagnement soutien service
ressource besoin enjeu défi solution pratique outil plateforme donnée
numérique littératie formation atelier rencontre conversation échange
synthèse note carnet bloc terme savoir connaissance expertise expérience
apprentissage évaluation impact résultat indicateur mesure politique
gouvernance conseil comité assemblée membre instance décision consensus
vision stratégie orientation priorité objectif plan planification
mobilisation engagement implication inclusion exclusion pauvreté précarité
itinérance loyer locataire propriétaire bail logis hébergement refuge
alimentation aliment épicerie cuisine jardin potager récolte frigo banque
dépannage marché fermier producteur agriculture circuit proximité
économie entreprise entrepreneuriat emploi travail travailleur salaire revenu
insertion coopération mutualisation achat fonds capital investissement
philanthropie fondation don collecte campagne financement territoire région
municipalité ville village arrondissement paroisse école famille enfant
jeune aîné aînée personne femme homme immigrant réfugié nouvel arrivant
santé bien-être détresse isolement solitude proche aidant soin clinique
transport mobilité vélo autobus covoiturage environnement climat transition
écologie énergie déchet recyclage compost biodiversité eau forêt
culture patrimoine bibliothèque musée festival art artiste médiation
communication promotion visibilité rayonnement réseautage infolettre
site courriel logiciel application algorithme intelligence souveraineté
infrastructure serveur hébergeur code licence sécurité vie privée
accessibilité utilisateur interface ergonomie conception prototype
recherche chercheur université cégep étudiant stage mémoire rapport
étude enquête sondage portrait diagnostic cartographie inventaire
loi règlement programme ministère gouvernement élu élection démocratie
droit justice équité égalité diversité racisme discrimination dignité
solidarité entraide confiance relation lien voisinage tissu cohésion
capacité autonomie pouvoir leadership relève transmission mentorat
processus méthode approche modèle cadre grille guide trousse fiche
animation facilitation délibération consultation codesign cocréation
innovation expérimentation laboratoire pilote essai échelle déploiement
pérennité viabilité croissance développement changement transformation`)

// adjectives are masculine singular; the generator adds e/s/es forms.
var adjectives = strings.Fields(`communautaire social solidaire collectif
local régional municipal provincial national public privé citoyen
participatif démocratique inclusif accessible abordable durable
numérique libre ouvert partagé commun économique financier culturel
environnemental alimentaire sécuritaire autonome populaire familial
scolaire rural urbain nordique autochtone francophone québécois
nouveau grand petit important essentiel principal concret réel
innovant structurant mobilisateur porteur efficace pertinent utile
complexe difficile fragile précaire vulnérable isolé marginalisé
intersectoriel territorial institutionnel politique stratégique
coopératif mutuel bénévole salarié permanent temporaire récurrent
quotidien annuel mensuel hebdomadaire dernier prochain premier`)

// verbs are first-group infinitives (-er); conjugated forms are derived.
var verbs = strings.Fields(`mobiliser accompagner soutenir développer
renforcer favoriser partager documenter organiser animer financer
coordonner impliquer valoriser outiller former informer consulter
concerter mutualiser collaborer coopérer participer proposer présenter
identifier analyser évaluer mesurer planifier prioriser structurer
améliorer adapter expérimenter innover créer lancer démarrer porter
rassembler réunir rencontrer échanger discuter débattre décider
recommander suggérer constater observer noter souligner rappeler
accueillir héberger loger nourrir cultiver récolter cuisiner distribuer
numériser héberger programmer coder publier diffuser promouvoir
sensibiliser éduquer encourager inciter susciter pérenniser protéger
défendre revendiquer négocier représenter gouverner administrer gérer`)

// adverbsAndOthers add variety to sentences.
var otherWords = strings.Fields(`ensemble davantage rapidement localement
collectivement concrètement également aujourd'hui demain hier désormais
prochainement actuellement réellement vraiment surtout particulièrement
essentiellement environ plusieurs certains certaines chaque quelques
autres nombreux nombreuses moins autant trop assez beaucoup`)

// inclusiveForms are inclusive-writing nouns as written on Praxis.
var inclusiveForms = strings.Fields(`participant·es citoyen·nes intervenant·es
travailleur·euses utilisateur·ices auteur·trices bénévoles membres
étudiant·es chercheur·euses animateur·trices coordonnateur·trices
locataires résident·es élu·es partenaires organisateur·trices
certain·es tous·tes usager·ères agent·es militant·es`)

// acronyms common in the Québec community sector.
var acronyms = strings.Fields(`OBNL OSBL CdP MRC CPE CLSC CISSS CIUSSS CDC
CDEC TIC IA HLM OMH SHQ PME CSN FTQ UQAM UdeM ULaval AQCC RQACA COVID
GAFAM UX ESS`)

// places are Québec cities, regions and neighbourhoods.
var places = strings.Fields(`Montréal Québec Gatineau Sherbrooke
Trois-Rivières Saguenay Rimouski Lévis Laval Longueuil Gaspésie
Abitibi-Témiscamingue Côte-Nord Bas-Saint-Laurent Estrie Outaouais
Mauricie Lanaudière Laurentides Montérégie Charlevoix Beauce Saint-Jérôme
Rouyn-Noranda Val-d'Or Baie-Comeau Sept-Îles Chicoutimi Joliette
Drummondville Granby Victoriaville Magog Hochelaga-Maisonneuve Villeray
Rosemont Verdun Limoilou Saint-Roch Plateau-Mont-Royal Côte-des-Neiges
Montréal-Nord Saint-Michel Kahnawake Wendake Nunavik Îles-de-la-Madeleine
Matane Alma Roberval Shawinigan Saint-Hyacinthe Terrebonne Mirabel
Rivière-du-Loup Thetford Mont-Laurier Chibougamau Kuujjuaq`)

var firstNames = strings.Fields(`Émilie Geneviève Frédéric Hélène Jérôme Zoé
Chloé Béatrice Andrée-Anne Marie-Ève Stéphane Sébastien François Noémie
Mélanie Réjean Gaétan Josée Maxime Léa Étienne Benoît Jocelyne Ginette Luc
Simon Olivier Camille Mathieu Valérie Isabelle Nathalie Sylvain Véronique
Joël Thérèse Anaïs Raphaël Félix Rosalie Annie Karine Mireille Pierre-Luc
Jean-François Marc-André Amélie Élise Gabrielle Samuel Éloïse Yannick
Danielle Ève Hugo Laurence Alexandre Nadia Karim Fatou Mamadou Léonie`)

var lastNames = strings.Fields(`Tremblay Gagnon Roy Côté Bouchard Gauthier
Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque Bergeron
Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier
Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin
Landry Martel Bédard Grenier Lessard Bernier Richard Michaud Hébert
Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard Proulx
Beaudoin Demers Perreault Boudreau Drouin Ménard Béland Séguin Théberge
Mercier Bisson Duchesne Rivard Vézina Trudel Létourneau Boisvert Diallo
Nguyen Haddad`)

var orgKinds = []string{
	"Centre communautaire", "Coopérative d'habitation", "Corporation de développement communautaire",
	"Table de concertation en sécurité alimentaire", "Carrefour jeunesse-emploi", "Maison des jeunes",
	"Comité logement", "Cuisine collective", "Regroupement des organismes communautaires",
	"Coopérative de solidarité", "Fonds d'emprunt", "Centre d'action bénévole",
	"Table de quartier", "Groupe de ressources techniques", "Collectif numérique",
	"Banque alimentaire", "Maison de la famille", "Centre de femmes",
	"Association des locataires", "Pôle d'économie sociale",
}

var namedOrgs = []string{
	"Centraide", "Chantier de l'économie sociale", "TIESS", "Communagir",
	"Réseau québécois de l'action communautaire autonome", "Fondation communautaire du Grand Québec",
	"Coalition des tables régionales d'organismes communautaires", "Regroupement des cuisines collectives du Québec",
	"Front d'action populaire en réaménagement urbain", "Réseau de la coopération du travail",
	"Confédération québécoise des coopératives d'habitation", "Institut du Nouveau Monde",
	"Fédération des centres d'action bénévole", "Récolte", "Laboratoire d'innovation urbaine",
	"Observatoire québécois des inégalités", "Fondation Lucie et André Chagnon", "Accorderie de Montréal",
}

var termHeads = []string{
	"sécurité alimentaire", "économie sociale", "logement abordable", "littératie numérique",
	"gouvernance partagée", "communauté de pratique", "développement des communautés",
	"action communautaire autonome", "impact collectif", "innovation sociale", "mobilisation citoyenne",
	"souveraineté numérique", "logiciel libre", "données ouvertes", "transition socioécologique",
	"participation citoyenne", "lutte contre la pauvreté", "inclusion sociale", "accès au logement",
	"financement à la mission", "évaluation participative", "transfert de connaissances",
	"agriculture urbaine", "circuits courts", "mutualisation des ressources", "concertation intersectorielle",
	"revitalisation urbaine intégrée", "fiducie foncière communautaire", "habitation coopérative",
	"entrepreneuriat collectif", "philanthropie de confiance", "démocratie participative",
	"budget participatif", "soutien aux proches aidants", "santé mentale", "itinérance",
	"intelligence artificielle", "accessibilité universelle", "mobilité durable", "jardins collectifs",
}

var termDomains = []string{
	"en milieu rural", "en région", "à Montréal", "dans les quartiers", "chez les aînés",
	"chez les jeunes", "pour les familles", "en contexte autochtone", "en Outaouais", "en Estrie",
}

var carnetTitles = []string{
	"Quel avenir numérique pour le Québec?", "Habiter autrement", "Nourrir nos quartiers",
	"L'économie sociale en action", "Gouvernance et démocratie", "Mobiliser les communautés",
	"Apprendre ensemble", "Transition socioécologique", "Financer la mission", "Le pouvoir d'agir",
}

var blocNames = []string{"Bloc 1", "Bloc 2", "Bloc 3", "Bloc 4", "Constats", "Pistes d'action", "Ressources", "Témoignages"}

var communityNames = []string{
	"Équipe de Projet collectif", "Communauté de pratique en sécurité alimentaire",
	"Réseau des tables de quartier", "Cercle des coopératives d'habitation",
	"Communauté du logiciel libre", "Collectif en gouvernance partagée", "Grappe en économie sociale",
	"Communauté des intervenant·es de proximité", "Réseau des CDC", "Laboratoire numérique citoyen",
}

var emojis = []string{"📝", "🗣", "💎", "🫶", "📣", "🧱", "🏦", "💰", "👥", "⚙️", "🛟", "🚀", "🧰", "🌱", "🏘️"}
