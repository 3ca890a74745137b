#pragma once
/// \file The states of a job: queued -> running -> succeeded | failed | cancelled (a running job
/// may also go back to queued: a retry, an expired lease, a recovery). Stored in the database
/// and sent over the API as their names.

#include <optional>
#include <string_view>

namespace pm::service {

enum class JobState { queued, running, succeeded, failed, cancelled };

inline constexpr JobState kJobStates[] = {JobState::queued, JobState::running, JobState::succeeded,
                                          JobState::failed, JobState::cancelled};

constexpr std::string_view state_name(JobState s) {
  switch (s) {
    case JobState::queued:
      return "queued";
    case JobState::running:
      return "running";
    case JobState::succeeded:
      return "succeeded";
    case JobState::failed:
      return "failed";
    case JobState::cancelled:
      return "cancelled";
  }
  return "?";
}

/// The state named `s`; nullopt for any other text.
constexpr std::optional<JobState> parse_job_state(std::string_view s) {
  for (JobState j : kJobStates) {
    if (state_name(j) == s) return j;
  }
  return std::nullopt;
}

/// succeeded, failed or cancelled: nothing changes the job any more.
constexpr bool is_terminal(JobState s) {
  return s == JobState::succeeded || s == JobState::failed || s == JobState::cancelled;
}

}  // namespace pm::service
