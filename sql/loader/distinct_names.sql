-- every distinct name-like value of the candidates (normalised in Python)
SELECT contributor FROM cand WHERE contributor IS NOT NULL
UNION SELECT recipient FROM cand WHERE recipient IS NOT NULL
UNION SELECT fund FROM cand WHERE fund IS NOT NULL
UNION SELECT contributor_country FROM cand WHERE contributor_country IS NOT NULL
UNION SELECT recipient_country FROM cand WHERE recipient_country IS NOT NULL
UNION SELECT contributor_ref FROM cand WHERE contributor_ref IS NOT NULL
UNION SELECT recipient_ref FROM cand WHERE recipient_ref IS NOT NULL;
