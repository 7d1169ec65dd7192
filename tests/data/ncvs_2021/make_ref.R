# Development oracle (not needed by the tests): NCVS 2021 domain estimates with R `survey`,
# written independently of crimestats from the published method (Zimmer, Powell &
# Velasquez 2024, ch. 13): series weight capped at 10 (6 when unknown), incidents outside
# the US dropped, victimisations summed per household, every household kept (zeros), design
# strata V2117 and PSUs V2118 nested, with replacement.
# Run from this folder: Rscript make_ref.R   (R 4.x, survey 4.1-1) -> ref_r_survey_ncvs2021.csv
library(survey)
hh <- read.csv(xzfile("ncvs_2021_household.csv.xz"))
inc <- read.csv(gzfile("ncvs_2021_incident.csv.gz"))
series <- ifelse(inc$V4017 %in% c(1, 8) | inc$V4018 %in% c(2, 8) | inc$V4019 %in% c(1, 8), 1, 2)
n10 <- ifelse(inc$V4016 %in% c(997, 998), NA, pmin(inc$V4016, 10))
serieswgt <- ifelse(series == 2 & is.na(n10), 6, ifelse(series == 2, n10, 1))
inc$NEWWGT <- inc$WGTVICCY * serieswgt
inc <- inc[inc$V4022 != 1, ]
code <- inc$V4529
inc$prop <- (code >= 31) * inc$NEWWGT
inc$prop_rep <- (code >= 31 & inc$V4399 %in% 1) * inc$NEWWGT
inc$burg <- (code %in% 31:33) * inc$NEWWGT
inc$mvt <- (code %in% 40:41) * inc$NEWWGT
inc$viol <- (code <= 20) * inc$NEWWGT
inc$viol_rep <- (code <= 20 & inc$V4399 %in% 1) * inc$NEWWGT
vars <- c("prop", "prop_rep", "burg", "mvt", "viol", "viol_rep")
sums <- aggregate(inc[vars], by = list(YEARQ = inc$YEARQ, IDHH = inc$IDHH), FUN = sum)
d <- merge(hh, sums, by = c("YEARQ", "IDHH"), all.x = TRUE)
for (v in vars) d[[v]][is.na(d[[v]])] <- 0
d$one <- 1
d$prop_hh <- (d$prop > 0) * d$WGTHHCY   # households with a property victimisation
des <- svydesign(ids = ~V2118, strata = ~V2117, nest = TRUE, weights = ~one, data = d)
out <- list()
add <- function(stat, domain, est, se) out[[length(out) + 1]] <<- data.frame(stat = stat, domain = domain, est = est, se = se)
t <- svytotal(~prop + viol, des)
add("total_property", "all", coef(t)[1], SE(t)[1])
add("total_violent", "all", coef(t)[2], SE(t)[2])
r <- svyratio(~prop_rep, ~prop, des); add("share_property_reported", "all", 100 * coef(r), 100 * SE(r))
r <- svyratio(~viol_rep, ~viol, des); add("share_violent_reported", "all", 100 * coef(r), 100 * SE(r))
r <- svyratio(~mvt, ~WGTHHCY, des); add("rate_mvt_per_1000_households", "all", 1000 * coef(r), 1000 * SE(r))
r <- svyratio(~prop_hh, ~WGTHHCY, des); add("prevalence_property_households", "all", 100 * coef(r), 100 * SE(r))
b <- svyby(~prop_hh, ~V2127B, des, svyratio, denominator = ~WGTHHCY)
for (i in seq_len(nrow(b))) add("prevalence_property_households", paste0("V2127B=", b$V2127B[i]), 100 * coef(b)[i], 100 * SE(b)[i])
b <- svyby(~burg, ~V2127B, des, svyratio, denominator = ~WGTHHCY)
for (i in seq_len(nrow(b))) add("rate_burglary_per_1000_households", paste0("V2127B=", b$V2127B[i]), 1000 * coef(b)[i], 1000 * SE(b)[i])
b <- svyby(~prop_rep, ~V2143, des, svyratio, denominator = ~prop)
for (i in seq_len(nrow(b))) add("share_property_reported", paste0("V2143=", b$V2143[i]), 100 * coef(b)[i], 100 * SE(b)[i])
b <- svyby(~viol, ~V2127B, des, svytotal)
for (i in seq_len(nrow(b))) add("total_violent", paste0("V2127B=", b$V2127B[i]), coef(b)[i], SE(b)[i])
res <- do.call(rbind, out)
write.csv(res, "ref_r_survey_ncvs2021.csv", row.names = FALSE)
print(res)
