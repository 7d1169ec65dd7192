# Reference outputs for crimestats' early-warning methods (tests/watch/test_surveillance_*.py).
# Run: Rscript make_references.R  (in this folder). Computed with R surveillance 1.20.3
# (Debian r-cran-surveillance). Used as a development oracle only: the tests read the CSVs
# written here and never need R.
suppressMessages(library(surveillance))

write_ref <- function(frame, name) {
  write.csv(frame, name, row.names = FALSE)
}

weekly_sts <- function(observed, dates) {
  sts(observed = observed, epoch = as.numeric(as.Date(dates)), epochAsDate = TRUE, frequency = 52)
}

flexible_frame <- function(res, range, dates) {
  ctl <- control(res)
  data.frame(date = as.character(dates[range]), observed = as.vector(observed(res)),
             expected = as.vector(ctl$expected), upperbound = as.vector(upperbound(res)),
             alarm = as.integer(as.vector(alarms(res))), trend = as.integer(as.vector(ctl$trend)),
             phi = as.vector(ctl$phiVector))
}

noufaily <- function(range, method) {
  list(range = range, b = 5, w = 3, noPeriods = 10, weightsThreshold = 2.58,
       pastWeeksNotIncluded = 26, pThresholdTrend = 1, thresholdMethod = method, alpha = 0.05)
}

# --- weekly series exported as input CSVs (date, observed) -----------------------------
newport <- read.csv("salmNewport_germany_weekly.csv")
data("campyDE"); data("shadar"); data("salmHospitalized")
campy <- data.frame(date = as.character(campyDE$date), observed = campyDE$case)
write_ref(campy, "heldout_campyDE_weekly.csv")
hosp <- data.frame(date = as.character(epoch(salmHospitalized)), observed = as.vector(observed(salmHospitalized)))
write_ref(hosp, "heldout_salmHospitalized_weekly.csv")

series <- list(newport = newport, campyDE = campy, salmHospitalized = hosp)
for (name in names(series)) {
  s <- series[[name]]
  n <- nrow(s)
  range <- (n - 155):n
  for (method in c("nbPlugin", "delta", "muan")) {
    res <- farringtonFlexible(weekly_sts(s$observed, s$date), control = noufaily(range, method))
    write_ref(flexible_frame(res, range, s$date), sprintf("ref_flexible_%s_noufaily_%s.csv", name, method))
  }
  # R's own defaults (noPeriods = 1: the original reference windows, delta threshold, one-sided)
  res <- farringtonFlexible(weekly_sts(s$observed, s$date), control = list(range = range))
  write_ref(flexible_frame(res, range, s$date), sprintf("ref_flexible_%s_rdefaults.csv", name))
}

# --- monthly series (frequency 12, time index not dates) -------------------------------
monthly <- aggregate(newport$observed, by = list(month = substr(newport$date, 1, 7)), FUN = sum)
write_ref(data.frame(date = paste0(monthly$month, "-01"), observed = monthly$x), "salmNewport_germany_monthly.csv")
msts <- sts(observed = monthly$x, start = c(2004, 1), frequency = 12)
mrange <- 73:nrow(monthly)
res <- farringtonFlexible(msts, control = list(range = mrange, b = 5, w = 1, noPeriods = 4,
  weightsThreshold = 2.58, pastWeeksNotIncluded = 6, pThresholdTrend = 1,
  thresholdMethod = "nbPlugin", alpha = 0.05))
write_ref(flexible_frame(res, mrange, paste0(monthly$month, "-01")), "ref_flexible_newport_monthly_nbPlugin.csv")

# --- original Farrington on the published SurvStat series and on Newport -----------------
res <- algo.farrington(sts2disProg(weekly_sts(newport$observed, newport$date)),
                       control = list(range = 400:nrow(newport), b = 5, w = 3, alpha = 0.05))
write_ref(data.frame(index = 400:nrow(newport), observed = newport$observed[400:nrow(newport)],
                     upperbound = res$upperbound, alarm = as.integer(res$alarm), trend = as.integer(res$trend)),
          "ref_algo_farrington_newport.csv")

# --- EARS C1 and CUSUM on Newport 2011 ---------------------------------------------------
nsts <- weekly_sts(newport$observed, newport$date)
in2011 <- which(isoWeekYear(as.Date(newport$date))$ISOYear == 2011)
for (alpha in c(0.05, 0.001)) {
  res <- earsC(nsts, control = list(range = in2011, method = "C1", alpha = alpha))
  write_ref(data.frame(date = newport$date[in2011], observed = newport$observed[in2011],
                       upperbound = as.vector(upperbound(res)), alarm = as.integer(as.vector(alarms(res)))),
            sprintf("ref_earsC1_newport_2011_alpha%s.csv", alpha))
}
for (trans in c("rossi", "standard")) {
  res <- cusum(nsts, control = list(range = in2011, k = 1.04, h = 2.26, trans = trans))
  write_ref(data.frame(date = newport$date[in2011], observed = newport$observed[in2011],
                       upperbound = as.vector(upperbound(res)), alarm = as.integer(as.vector(alarms(res)))),
            sprintf("ref_cusum_%s_newport_2011.csv", trans))
}
