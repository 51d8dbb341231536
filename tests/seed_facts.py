"""Facts from the seed article that every build of the sample content must show.

The engine's tests check that each name below appears on the built pages.
Keep this file in step with content/cities/*.yaml and content/jobs/*.yaml.
"""

from typing import TypedDict


class CityFacts(TypedDict):
    """What the article says about one city."""

    name: str
    specialisms: list[str]
    employers: list[str]


CITIES: dict[str, CityFacts] = {
    "london": {
        "name": "London",
        "specialisms": [
            "Financial analytics",
            "Media and advertising",
            "AI ethics and policy",
        ],
        "employers": [
            "Google DeepMind",  # corrected: the source is recorded in the content
            "Meta AI",
            "London’s ML start-up scene",
            "Deloitte",
            "PwC",
        ],
    },
    "cambridge": {
        "name": "Cambridge",
        "specialisms": [
            "Healthcare and drug discovery",
            "ML hardware",
            "Robotics",
        ],
        "employers": [
            "Microsoft Research Cambridge",
            "Graphcore",
            "University of Cambridge",
            "Arm",  # corrected: the company's own styling
        ],
    },
    "manchester": {
        "name": "Manchester",
        "specialisms": [
            "Health informatics",
            "E-commerce",
            "Digital manufacturing",
        ],
        "employers": [
            "University of Manchester",
            "MediaCityUK",
            "Manchester’s start-ups and scale-ups",
        ],
    },
    "edinburgh": {
        "name": "Edinburgh",
        "specialisms": [
            "NLP and speech recognition",
            "Fintech",
            "Robotics",
        ],
        "employers": [
            "Skyscanner",
            "University of Edinburgh",
            "Edinburgh’s ML scale-ups",
            "School of Informatics",
            "Bayes Centre",
        ],
    },
    "leeds": {
        "name": "Leeds",
        "specialisms": [
            "Fintech and banking",
            "Healthcare data",
            "Retail analytics",
        ],
        "employers": [
            "Leeds Institute for Data Analytics (LIDA)",
            "Big Four consultancies in Leeds",
            "Nexus (University of Leeds)",
            "NHS England",  # corrected: NHS Digital merged into it in 2023
            "University of Leeds",
        ],
    },
    "belfast": {
        "name": "Belfast",
        "specialisms": [
            "Risk analysis and compliance",
            "Cybersecurity",
            "GovTech",
        ],
        "employers": [
            "Queen’s University Belfast",
            "Catalyst",
            "Allstate",
            "Citi",
            "Invest Northern Ireland",
        ],
    },
    "newcastle": {
        "name": "Newcastle",
        "specialisms": [
            "Healthcare and ageing",
            "Smart cities and public services",
            "Digital agencies",
        ],
        "employers": [
            "Newcastle University",
            "National Innovation Centre for Data (NICD)",
            "Newcastle’s growing start-ups",
        ],
    },
    "bristol": {
        "name": "Bristol",
        "specialisms": [
            "Autonomous systems",
            "Aerospace",
            "Media and gaming",
        ],
        "employers": [
            "University of Bristol",
            "Rolls-Royce",
            "Airbus",
            "Engine Shed",
            "SETsquared",
        ],
    },
    "sheffield": {
        "name": "Sheffield",
        "specialisms": [
            "Industry 4.0",
            "Healthcare",
            "Robotics",
        ],
        "employers": [
            "Advanced Manufacturing Research Centre (AMRC)",
            "Sheffield’s local start-ups",
            "Sheffield Hallam University",
            "University of Sheffield",
            "Sheffield Teaching Hospitals",
        ],
    },
    "cardiff": {
        "name": "Cardiff",
        "specialisms": [
            "Digital health and telemedicine",
            "Bioinformatics",
            "GovTech",
        ],
        "employers": [
            "Cardiff University",
            "Life Sciences Hub Wales",
            "Cardiff’s fintech and services firms",
            "NHS Wales",
            "Welsh Government",
        ],
    },
}

JOBS: dict[str, str] = {
    "ml-computer-vision-engineer-oxford": "Machine Learning Computer Vision Engineer",
    "ml-engineer-insurance-london": "Machine Learning Engineer – Insurance",
    "senior-data-engineer-insurance-hindlip": "Senior Data Engineer",
    "senior-ml-engineer-databricks-london": "Senior Machine Learning Engineer",
    "senior-ml-engineer-insurance-manchester": "Senior Machine Learning Engineer",
    "senior-mlops-engineer-london": "Senior MLOps Engineer",
}
